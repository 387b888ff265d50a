"""MentorPool: mentors encoded once as NumPy arrays, scored in bulk.

Build a pool once per request (or once per batch run) and score any number
of patients against it. The numbers are the same as the scalar definitions
in ``similarity`` and ``rules`` (a property test checks this); only the
reasons are left to those scalar functions, built when someone reads them.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from alongside.core.codes import AMPUTATION_SITES, CLASSIFICATIONS, SCI_LEVELS
from alongside.core.codes.icd10 import list_icd10_codes
from alongside.core.codes.injury import ASIA_GRADES, TBI_SEVERITIES
from alongside.core.matching import lived_experience as lx
from alongside.core.matching.profiles import (
    CRITERIA,
    Exclusion,
    MentorProfile,
    PatientProfile,
    Suggestion,
    Weights,
)
from alongside.core.matching.rules import IN_PERSON, RULE_NAMES, first_failed_rule
from alongside.core.matching.similarity import (
    AGE_SPAN_YEARS,
    DEMANDS_ORDER,
    DISTANCE_SPAN_KM,
    EARTH_RADIUS_KM,
    INJURY_FLOOR,
    NO_DETAILS,
    WORK_PARTS,
    icd10_groups,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_ICD_GROUPS: tuple[str, ...] = tuple(sorted({code[:3] for code, _ in list_icd10_codes()}))
_SITE_INDEX = {site.id: i for i, site in enumerate(AMPUTATION_SITES)}
_SCI_TABLE = np.array(lx.SCI_LEVEL_TABLE)
_AIS_TABLE = np.array(lx.AIS_TABLE)
_SITE_TABLE = np.array(lx.AMPUTATION_TABLE)
_LATERALITY_TABLE = np.array(lx.LATERALITY_TABLE)
_RTW_IDS: tuple[str, ...] = tuple(lx.RTW_EMPLOYERS)  # "same" first


def _key(text: str | None) -> str | None:
    """Case- and space-insensitive key; None for missing or blank text."""
    if text is None:
        return None
    key = text.strip().casefold()
    return key or None


class _Vocabulary:
    """Maps text keys to small integers; unknown keys get -2, missing -1."""

    def __init__(self) -> None:
        self.codes: dict[Hashable, int] = {}

    def add(self, key: Hashable | None) -> int:
        if key is None:
            return -1
        return self.codes.setdefault(key, len(self.codes))

    def get(self, key: Hashable | None) -> int:
        if key is None:
            return -1
        return self.codes.get(key, -2)

    def __len__(self) -> int:
        return len(self.codes)


@lru_cache(maxsize=64)
def _ordinal_lookup(order: tuple[str, ...]) -> dict[str, int]:
    return {item.casefold(): i for i, item in enumerate(order)}


def _ordinal(value: str | None, order: Sequence[str]) -> int:
    lookup = _ordinal_lookup(tuple(order))
    key = _key(value)
    return -1 if key is None else lookup.get(key, -1)


def _tri_state(values: Iterable[bool | None]) -> npt.NDArray[np.int8]:
    """1 true, 0 false, -1 not recorded."""
    return np.array([-1 if v is None else int(bool(v)) for v in values], dtype=np.int8)


def _set_matrix(sets: Sequence[Iterable[Hashable]], vocabulary: _Vocabulary) -> BoolArray:
    add = vocabulary.add
    rows: list[int] = []
    columns: list[int] = []
    for row, items in enumerate(sets):
        for item in items:
            column = add(item)
            if column >= 0:
                rows.append(row)
                columns.append(column)
    matrix = np.zeros((len(sets), max(1, len(vocabulary))), dtype=bool)
    matrix[np.array(rows, dtype=np.int64), np.array(columns, dtype=np.int64)] = True
    return matrix


def _columns(items: Iterable[Hashable | None], vocabulary: _Vocabulary) -> list[int]:
    return [c for c in (vocabulary.get(i) for i in items) if c >= 0]


class MentorPool:
    """Mentors encoded for fast scoring. Immutable once built."""

    def __init__(self, mentors: Iterable[MentorProfile]) -> None:
        self.mentors: tuple[MentorProfile, ...] = tuple(mentors)
        self._index_of = {m.mentor_id: i for i, m in enumerate(self.mentors)}
        self._id_order = self._tie_break_order()
        self._encode_status()
        self._encode_injury()
        self._encode_work()
        self._encode_person()

    def __len__(self) -> int:
        return len(self.mentors)

    @property
    def mentor_ids(self) -> list[Hashable]:
        return [m.mentor_id for m in self.mentors]

    def spare_capacities(self) -> IntArray:
        """Places left per mentor (0 when capacity is not recorded); for ``assign``."""
        spare = np.where(self._capacity >= 0, self._capacity - self._mentee_count, 0)
        return np.maximum(spare, 0).astype(np.int64)

    # ---- encoding -------------------------------------------------------

    def _tie_break_order(self) -> IntArray:
        ids = [m.mentor_id for m in self.mentors]
        key: Any = None
        try:
            order = sorted(range(len(ids)), key=lambda i: cast(Any, ids[i]))
        except TypeError:  # mixed id types: still deterministic
            order = sorted(range(len(ids)), key=lambda i: (type(ids[i]).__name__, str(ids[i])))
        del key
        rank = np.empty(len(ids), dtype=np.int64)
        rank[order] = np.arange(len(ids))
        return rank

    def _encode_status(self) -> None:
        ms = self.mentors
        self._active = _tri_state(m.active for m in ms)
        self._paused = _tri_state(m.paused for m in ms)
        self._held = np.array([bool(m.wellbeing_hold) for m in ms], dtype=bool)
        self._training = _tri_state(m.training_ok for m in ms)
        self._checks = _tri_state(m.checks_ok for m in ms)
        self._supervision = _tri_state(m.supervision_ok for m in ms)
        self._capacity = np.array(
            [-1 if m.capacity is None else m.capacity for m in ms], dtype=np.int64
        )
        self._mentee_count = np.array([m.active_mentee_count for m in ms], dtype=np.int64)
        self._willing_vocab = _Vocabulary()
        self._willing_known = np.array([m.willing_categories is not None for m in ms], dtype=bool)
        self._willing = _set_matrix([m.willing_categories or () for m in ms], self._willing_vocab)
        self._modes_vocab = _Vocabulary()
        self._modes = _set_matrix([m.contact_modes for m in ms], self._modes_vocab)
        self._mode_count = self._modes.sum(axis=1)
        in_person = self._modes_vocab.get(IN_PERSON)
        self._offers_in_person = (
            self._modes[:, in_person] if in_person >= 0 else np.zeros(len(ms), bool)
        )
        self._radius = np.array(
            [np.nan if m.travel_radius_km is None else float(m.travel_radius_km) for m in ms]
        )

    def _encode_injury(self) -> None:
        ms = self.mentors
        self._category_vocab = _Vocabulary()
        self._category = np.array(
            [self._category_vocab.add(m.injury_category) for m in ms], dtype=np.int64
        )
        self._sci_level = np.array([_ordinal(m.sci_level, SCI_LEVELS) for m in ms], dtype=np.int64)
        self._asia = np.array([_ordinal(m.asia_grade, ASIA_GRADES) for m in ms], dtype=np.int64)
        self._tbi = np.array([_ordinal(m.tbi_severity, TBI_SEVERITIES) for m in ms], dtype=np.int64)
        self._site = np.array([self._site_index(m.amputation_site) for m in ms], dtype=np.int64)
        self._laterality = np.array(
            [lx.laterality_index(m.amputation_laterality) for m in ms], dtype=np.int64
        )
        self._mechanism = np.array([lx.mechanism_index(m.mechanism) for m in ms], dtype=np.int64)
        group_index = {g: i for i, g in enumerate(_ICD_GROUPS)}
        self._icd = np.zeros((len(ms), len(_ICD_GROUPS)), dtype=bool)
        for row, mentor in enumerate(ms):
            self._icd[row, [group_index[g] for g in icd10_groups(mentor.icd10_codes)]] = True
        self._icd_known = self._icd.any(axis=1)

    @staticmethod
    def _site_index(site: str | None) -> int:
        key = None if site is None else str(site).strip().lower()
        return -1 if key is None else _SITE_INDEX.get(key, -1)

    def _encode_work(self) -> None:
        ms = self.mentors
        n = len(ms)
        self._scheme_vocab = _Vocabulary()
        self._scheme_ids = _Vocabulary()
        self._scheme = np.full(n, -1, dtype=np.int64)
        self._digits = np.full((n, 6), -1, dtype=np.int8)
        self._depth = np.zeros(n, dtype=np.int64)
        for row, mentor in enumerate(ms):
            scheme = CLASSIFICATIONS.get(mentor.occupation_classification or "")
            if scheme is None or not mentor.occupation_code:
                continue
            try:
                code = scheme.validate(mentor.occupation_code)
            except ValueError:
                continue  # an invalid stored code counts as not recorded
            self._scheme[row] = self._scheme_vocab.add(scheme.id)
            self._digits[row, : len(code)] = [int(d) for d in code]
            self._depth[row] = scheme.level_lengths.index(len(code)) + 1
        self._occupation_scheme = np.array(
            [self._scheme_ids.add(m.occupation_classification or None) for m in ms],
            dtype=np.int64,
        )
        self._rtw_digits = np.full((n, 6), -1, dtype=np.int8)
        self._rtw_depth = np.zeros(n, dtype=np.int64)
        self._rtw_valid = np.zeros(n, dtype=bool)
        self._occ_valid = self._scheme >= 0
        for row, mentor in enumerate(ms):
            scheme = CLASSIFICATIONS.get(mentor.occupation_classification or "")
            if scheme is None or not mentor.rtw_occupation_code:
                continue
            try:
                code = scheme.validate(mentor.rtw_occupation_code)
            except ValueError:
                continue
            self._rtw_valid[row] = True
            self._rtw_digits[row, : len(code)] = [int(d) for d in code]
            self._rtw_depth[row] = scheme.level_lengths.index(len(code)) + 1
        self._rtw_employer = np.array(
            [_RTW_IDS.index(m.rtw_employer) if m.rtw_employer in _RTW_IDS else -1 for m in ms],
            dtype=np.int64,
        )
        self._industry_vocab = _Vocabulary()
        self._industry = np.array(
            [self._industry_vocab.add(_key(m.industry)) for m in ms], dtype=np.int64
        )
        self._demands = np.array(
            [
                DEMANDS_ORDER.index(m.work_demands) if m.work_demands in DEMANDS_ORDER else -1
                for m in ms
            ],
            dtype=np.int64,
        )
        self._employment_vocab = _Vocabulary()
        self._employment = np.array(
            [self._employment_vocab.add(_key(m.employment_type)) for m in ms], dtype=np.int64
        )

    def _encode_person(self) -> None:
        ms = self.mentors
        self._age = np.array([np.nan if m.age is None else float(m.age) for m in ms])
        self._gender_vocab = _Vocabulary()
        self._gender = np.array(
            [self._gender_vocab.add(_key(m.gender)) for m in ms], dtype=np.int64
        )
        self._region_vocab = _Vocabulary()
        self._region = np.array(
            [self._region_vocab.add(_key(m.region)) for m in ms], dtype=np.int64
        )
        self._lat = np.radians(
            np.array([np.nan if m.latitude is None else float(m.latitude) for m in ms])
        )
        self._lon = np.radians(
            np.array([np.nan if m.longitude is None else float(m.longitude) for m in ms])
        )
        self._language_vocab = _Vocabulary()
        self._languages = _set_matrix(
            [[k for k in (_key(lang) for lang in m.languages) if k] for m in ms],
            self._language_vocab,
        )
        self._speaks_any = np.array([bool(m.languages) for m in ms], dtype=bool)
        self._slot_vocab = _Vocabulary()
        self._slots = _set_matrix([m.availability for m in ms], self._slot_vocab)
        self._slot_count = self._slots.sum(axis=1)

    # ---- hard rules -------------------------------------------------------

    def failed_rule_index(self, patient: PatientProfile) -> IntArray:
        """Per mentor, the index into ``RULE_NAMES`` of the first failed rule, or -1."""
        fails = np.stack(
            [
                self._active != 1,
                self._paused != 0,
                self._held,
                self._training != 1,
                self._checks != 1,
                self._supervision != 1,
                (self._capacity < 0) | (self._mentee_count >= self._capacity),
                self._declined_before(patient),
                self._unwilling(patient),
                self._wrong_gender(patient),
                self._missing_language(patient),
                self._cannot_meet_in_person(patient),
            ]
        )
        first = np.argmax(fails, axis=0)
        return np.where(fails.any(axis=0), first, -1)

    def eligible(self, patient: PatientProfile) -> BoolArray:
        return self.failed_rule_index(patient) < 0

    def _declined_before(self, patient: PatientProfile) -> BoolArray:
        mask = np.zeros(len(self), dtype=bool)
        rows = [self._index_of[i] for i in patient.excluded_mentor_ids if i in self._index_of]
        mask[rows] = True
        return mask

    def _unwilling(self, patient: PatientProfile) -> BoolArray:
        if patient.injury_category is None:
            return np.zeros(len(self), dtype=bool)
        column = self._willing_vocab.get(patient.injury_category)
        willing = self._willing[:, column] if column >= 0 else np.zeros(len(self), dtype=bool)
        return self._willing_known & ~willing

    def _wrong_gender(self, patient: PatientProfile) -> BoolArray:
        if not patient.preferred_mentor_gender:
            return np.zeros(len(self), dtype=bool)
        wanted = self._gender_vocab.get(_key(patient.preferred_mentor_gender))
        return self._gender != wanted if wanted >= 0 else np.ones(len(self), dtype=bool)

    def _missing_language(self, patient: PatientProfile) -> BoolArray:
        if not patient.required_language:
            return np.zeros(len(self), dtype=bool)
        column = self._language_vocab.get(_key(patient.required_language))
        return ~self._languages[:, column] if column >= 0 else np.ones(len(self), dtype=bool)

    def _cannot_meet_in_person(self, patient: PatientProfile) -> BoolArray:
        if not patient.wants_in_person:
            return np.zeros(len(self), dtype=bool)
        no_in_person = (self._mode_count > 0) & ~self._offers_in_person
        km = self._distance_km(patient)
        by_distance = ~np.isnan(km) & ~np.isnan(self._radius)
        region = self._region_vocab.get(_key(patient.region))
        by_region = ~by_distance & (region != -1) & (self._region >= 0)
        near = np.where(by_distance, km <= np.nan_to_num(self._radius, nan=-1.0), False)
        same_region = by_region & (self._region == region)
        return no_in_person | ~(near | same_region)

    def _distance_km(self, patient: PatientProfile) -> FloatArray:
        if patient.latitude is None or patient.longitude is None:
            return np.full(len(self), np.nan)
        lat1, lon1 = np.radians(float(patient.latitude)), np.radians(float(patient.longitude))
        h = (
            np.sin((self._lat - lat1) / 2) ** 2
            + np.cos(lat1) * np.cos(self._lat) * np.sin((self._lon - lon1) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))

    # ---- similarity -------------------------------------------------------

    def part_scores(self, patient: PatientProfile) -> FloatArray:
        """(mentors, len(CRITERIA)) criterion scores; NaN = not recorded."""
        return np.column_stack(
            [
                self._injury_scores(patient),
                self._work_scores(patient),
                self._age_scores(patient),
                self._place_scores(patient),
                self._language_scores(patient),
                self._share_scores(
                    patient.availability, self._slots, self._slot_count, self._slot_vocab
                ),
                self._share_scores(
                    patient.contact_modes, self._modes, self._mode_count, self._modes_vocab
                ),
            ]
        )

    def totals(self, patient: PatientProfile, weights: Weights) -> FloatArray:
        return _weighted_totals(self.part_scores(patient), weights)

    def _injury_scores(self, patient: PatientProfile) -> FloatArray:
        n = len(self)
        if patient.injury_category is None:
            return np.full(n, np.nan)
        category = self._category_vocab.get(patient.injury_category)
        same = (self._category == category) & (category >= 0)
        details = self._injury_details(patient)
        if details:
            weights = lx.DETAIL_WEIGHTS[str(patient.injury_category)]
            total_weight = sum(weights[name] for name, _ in details)
            mean = sum(weights[name] * closeness for name, closeness in details) / total_weight
            score = INJURY_FLOOR + (1 - INJURY_FLOOR) * mean
        else:
            score = np.full(n, NO_DETAILS)
        return np.where(same, score, 0.0)

    def _injury_details(self, patient: PatientProfile) -> list[tuple[str, FloatArray]]:
        """The patient's recorded details, each as closeness per mentor (0 where not recorded)."""
        category = patient.injury_category
        details: list[tuple[str, FloatArray]] = []
        if category == "sci":
            level = _ordinal(patient.sci_level, SCI_LEVELS)
            grade = _ordinal(patient.asia_grade, ASIA_GRADES)
            if level >= 0:
                details.append(("level", _table_closeness(_SCI_TABLE, level, self._sci_level)))
            if grade >= 0:
                details.append(("ais", _table_closeness(_AIS_TABLE, grade, self._asia)))
        elif category == "tbi":
            severity = _ordinal(patient.tbi_severity, TBI_SEVERITIES)
            if severity >= 0:
                closeness = np.maximum(0.0, 1.0 - np.abs(self._tbi - severity) / 2)
                details.append(("severity", np.where(self._tbi >= 0, closeness, 0.0)))
        elif category == "amputation":
            site = self._site_index(patient.amputation_site)
            laterality = lx.laterality_index(patient.amputation_laterality)
            if site >= 0:
                details.append(("site", _table_closeness(_SITE_TABLE, site, self._site)))
            if laterality >= 0:
                details.append(
                    (
                        "laterality",
                        _table_closeness(_LATERALITY_TABLE, laterality, self._laterality),
                    )
                )
        elif category == "ortho":
            groups = [_ICD_GROUPS.index(g) for g in icd10_groups(patient.icd10_codes)]
            if groups:
                shared = self._icd[:, groups].any(axis=1)
                details.append(("fracture", np.asarray(shared, dtype=np.float64)))
        if category in lx.DETAIL_WEIGHTS:
            mechanism = lx.mechanism_index(patient.mechanism)
            if mechanism >= 0 and lx.MECHANISMS[lx.MECHANISM_IDS[mechanism]]:
                details.append(("cause", (self._mechanism == mechanism).astype(np.float64)))
        return details

    def _work_scores(self, patient: PatientProfile) -> FloatArray:
        numerator, denominator = np.zeros(len(self)), 0.0
        demands = (
            DEMANDS_ORDER.index(patient.work_demands)
            if patient.work_demands in DEMANDS_ORDER
            else -1
        )
        for name, part in (
            ("occupation", self._occupation_closeness(patient)),
            (
                "industry",
                _equal_part(self._industry, self._industry_vocab.get(_key(patient.industry))),
            ),
            ("demands", _demands_part(self._demands, demands)),
            (
                "employment",
                _equal_part(
                    self._employment, self._employment_vocab.get(_key(patient.employment_type))
                ),
            ),
            ("return", self._return_closeness(patient)),
        ):
            if part is not None:
                numerator += WORK_PARTS[name] * part
                denominator += WORK_PARTS[name]
        if denominator == 0:
            return np.full(len(self), np.nan)
        return numerator / denominator

    def _occupation_closeness(self, patient: PatientProfile) -> FloatArray | None:
        scheme = CLASSIFICATIONS.get(patient.occupation_classification or "")
        if scheme is None or not patient.occupation_code:
            return None
        try:
            code = scheme.validate(patient.occupation_code)
        except ValueError:
            return None
        digits = np.full(6, -2, dtype=np.int8)  # -2 never equals the mentors' -1 padding
        digits[: len(code)] = [int(d) for d in code]
        depth = scheme.level_lengths.index(len(code)) + 1

        def closeness(mentor_digits: npt.NDArray[np.int8], mentor_depth: IntArray) -> FloatArray:
            prefix = np.cumprod(mentor_digits == digits, axis=1).sum(axis=1)
            shared = sum((prefix >= length).astype(np.int64) for length in scheme.level_lengths)
            return np.asarray(shared / np.maximum(mentor_depth, depth), dtype=np.float64)

        same_scheme = self._occupation_scheme == self._scheme_ids.get(scheme.id)
        before = np.where(self._occ_valid, closeness(self._digits, self._depth), -1.0)
        after = np.where(self._rtw_valid, closeness(self._rtw_digits, self._rtw_depth), -1.0)
        return np.where(same_scheme, np.maximum(0.0, np.maximum(before, after)), 0.0)

    def _return_closeness(self, patient: PatientProfile) -> FloatArray | None:
        if patient.job_held_open is None:
            return None
        if patient.job_held_open:
            return (self._rtw_employer == 0).astype(np.float64)
        return (self._rtw_employer >= 1).astype(np.float64)

    def _age_scores(self, patient: PatientProfile) -> FloatArray:
        if patient.age is None:
            return np.full(len(self), np.nan)
        closeness = np.maximum(0.0, 1.0 - np.abs(self._age - patient.age) / AGE_SPAN_YEARS)
        return np.where(np.isnan(self._age), 0.0, closeness)

    def _place_scores(self, patient: PatientProfile) -> FloatArray:
        km = self._distance_km(patient)
        by_distance = np.maximum(0.0, 1.0 - km / DISTANCE_SPAN_KM)
        region = self._region_vocab.get(_key(patient.region))
        by_region = np.where(
            (self._region >= 0) & (region != -1),
            (self._region == region).astype(np.float64),
            np.nan,
        )
        by_region = np.where(np.isnan(by_region) & _has_place(patient), 0.0, by_region)
        return np.where(np.isnan(km), by_region, by_distance)

    def _language_scores(self, patient: PatientProfile) -> FloatArray:
        if not patient.languages:
            return np.full(len(self), np.nan)
        columns = _columns((_key(lang) for lang in patient.languages), self._language_vocab)
        shared = self._languages[:, columns].any(axis=1) if columns else np.zeros(len(self), bool)
        return np.where(self._speaks_any, shared.astype(np.float64), 0.0)

    def _share_scores(
        self,
        wanted: frozenset[str],
        offered: BoolArray,
        offered_count: IntArray,
        vocabulary: _Vocabulary,
    ) -> FloatArray:
        if not wanted:
            return np.full(len(self), np.nan)
        columns = _columns(wanted, vocabulary)
        shared = offered[:, columns].sum(axis=1) if columns else np.zeros(len(self))
        return np.where(offered_count > 0, shared / len(wanted), 0.0)

    # ---- ranking ------------------------------------------------------------

    def rank(
        self, patient: PatientProfile, weights: Weights, limit: int | None = None
    ) -> list[Suggestion]:
        """Eligible mentors, best first; ties broken by mentor id."""
        eligible = np.flatnonzero(self.failed_rule_index(patient) < 0)
        parts = self.part_scores(patient)[eligible]
        totals = _weighted_totals(parts, weights)
        order = np.lexsort((self._id_order[eligible], -totals))[:limit]
        return [
            Suggestion(
                self.mentors[eligible[i]].mentor_id,
                float(totals[i]),
                tuple(None if x != x else x for x in parts[i].tolist()),
                patient,
                self.mentors[eligible[i]],
            )
            for i in order
        ]

    def rank_with_exclusions(
        self, patient: PatientProfile, weights: Weights, limit: int | None = None
    ) -> tuple[list[Suggestion], list[Exclusion]]:
        """Suggestions as ``rank``, and why every other mentor was left out."""
        excluded = np.flatnonzero(self.failed_rule_index(patient) >= 0)
        exclusions = [first_failed_rule(patient, self.mentors[i]) for i in excluded]
        return self.rank(patient, weights, limit), [e for e in exclusions if e is not None]

    def score_matrix(self, patients: Sequence[PatientProfile], weights: Weights) -> FloatArray:
        """(patients, mentors) total scores with NaN for pairs a hard rule forbids."""
        matrix = np.full((len(patients), len(self)), np.nan)
        for row, patient in enumerate(patients):
            eligible = self.failed_rule_index(patient) < 0
            matrix[row, eligible] = _weighted_totals(self.part_scores(patient)[eligible], weights)
        return matrix


def _table_closeness(table: FloatArray, value: int, mentor_values: IntArray) -> FloatArray:
    """Row ``value`` of a closeness table per mentor; 0 where the mentor's is not recorded."""
    return np.where(mentor_values >= 0, table[value, np.maximum(mentor_values, 0)], 0.0)


def _demands_part(mentor_values: IntArray, value: int) -> FloatArray | None:
    if value < 0:
        return None
    closeness = np.maximum(0.0, 1.0 - np.abs(mentor_values - value) / 2)
    return np.where(mentor_values >= 0, closeness, 0.0)


def _equal_part(mentor_codes: IntArray, code: int) -> FloatArray | None:
    """Equal text per mentor; None when the patient's is not recorded (code -1)."""
    if code == -1:
        return None
    return ((mentor_codes == code) & (mentor_codes >= 0)).astype(np.float64)


def _has_place(person: PatientProfile) -> bool:
    coords = person.latitude is not None and person.longitude is not None
    return coords or _key(person.region) is not None


def _weighted_totals(parts: FloatArray, weights: Weights) -> FloatArray:
    # Column by column in CRITERIA order, as ``similarity.weighted_total`` sums.
    numerator, denominator = np.zeros(len(parts)), np.zeros(len(parts))
    for column, weight in enumerate(weights.as_tuple()):
        known = ~np.isnan(parts[:, column])
        numerator += np.where(known, weight * np.nan_to_num(parts[:, column]), 0.0)
        denominator += np.where(known, weight, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / denominator, 0.0)


def score_matrix(
    patients: Sequence[PatientProfile], pool: MentorPool, weights: Weights
) -> FloatArray:
    """Scores for ``assign``: (patients, mentors), NaN where a hard rule forbids."""
    return pool.score_matrix(patients, weights)


__all__ = ["CRITERIA", "RULE_NAMES", "MentorPool", "score_matrix"]
