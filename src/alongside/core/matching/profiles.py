"""The matching inputs and outputs: plain frozen dataclasses.

Every descriptive field may be ``None`` (or empty, for collections), meaning
"not recorded". What the *patient* lacks is skipped (reason "not recorded",
left out of the weighted mean: it is the same for every mentor). What a
*mentor* lacks, when the patient has it, scores as the least similar recorded
value: missing data never puts a mentor above one whose recorded detail
differs. Nothing missing or invalid crashes.

Vocabularies (the Django side stores these strings as they are):

- injury_category: "sci", "tbi", "ortho", "amputation"
- amputation_laterality: "left", "right", "bilateral", "multiple"
- mechanism (cause of injury): the patients app's Mechanism ids ("fall_height")
- sci_level: "C1".."S5"; asia_grade: "A".."E"; tbi_severity: "mild",
  "moderate", "severe"; amputation_site: an id from
  ``alongside.core.codes.AMPUTATION_SITES`` (e.g. "transtibial")
- occupation_classification: "isco08", "anzsco", "soc2020"
- work_demands: "physical", "mixed", "desk"
- availability: weekly slots such as "mon-am", "mon-pm", "mon-eve"
- contact_modes: "in_person", "phone", "video" (any strings work; equal
  strings are the same mode)
- languages: free text compared case-insensitively ("Vietnamese")
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, field, fields
from functools import cached_property

MentorId = Hashable
PatientId = Hashable

CRITERIA: tuple[str, ...] = (
    "injury",
    "work",
    "age",
    "place",
    "language",
    "availability",
    "modes",
)


@dataclass(frozen=True, kw_only=True)
class _Circumstances:
    """What both sides of a match describe in the same words: injury, work, person, place
    and time. Keyword-only, so each profile's id stays its first positional field."""

    injury_category: str | None = None
    icd10_codes: tuple[str, ...] = ()
    sci_level: str | None = None
    asia_grade: str | None = None
    tbi_severity: str | None = None
    amputation_site: str | None = None
    amputation_laterality: str | None = None  # left | right | bilateral | multiple
    mechanism: str | None = None  # cause of injury, ``lived_experience.MECHANISMS``
    occupation_code: str | None = None
    occupation_classification: str | None = None
    industry: str | None = None
    work_demands: str | None = None
    employment_type: str | None = None
    age: int | None = None
    gender: str | None = None
    languages: tuple[str, ...] = ()
    region: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    availability: frozenset[str] = frozenset()
    contact_modes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PatientProfile(_Circumstances):
    patient_id: PatientId
    # Preferences and history that act as hard rules.
    preferred_mentor_gender: str | None = None
    required_language: str | None = None
    wants_in_person: bool = False
    # True: the pre-injury job is held open (the patient expects to go back to it).
    job_held_open: bool | None = None
    excluded_mentor_ids: frozenset[MentorId] = frozenset()


@dataclass(frozen=True)
class MentorProfile(_Circumstances):
    mentor_id: MentorId
    # The job the mentor went back to (coded like ``occupation_code``), with whom, and how.
    rtw_occupation_code: str | None = None
    rtw_employer: str | None = None  # ``lived_experience.RTW_EMPLOYERS``
    rtw_adjustments: str | None = None
    # Shown to the therapist; never scored.
    topics_to_avoid: tuple[str, ...] = ()
    # Programme status. Unknown (None) never lets a mentor through a safety gate.
    active: bool | None = None
    training_ok: bool | None = None
    checks_ok: bool | None = None
    supervision_ok: bool | None = None
    paused: bool | None = None
    # Held after a hard week (``mentor_programme.wellbeing_hold_since``); lifts
    # itself, unlike a pause.
    wellbeing_hold: bool = False
    capacity: int | None = None
    active_mentee_count: int = 0
    # None = the mentor has not restricted which injuries they mentor.
    willing_categories: frozenset[str] | None = None
    travel_radius_km: float | None = None


@dataclass(frozen=True)
class Weights:
    """Non-negative importance of each similarity criterion (not all zero)."""

    injury: float = 3.0
    work: float = 3.0
    age: float = 1.0
    place: float = 1.0
    language: float = 1.0
    availability: float = 1.0
    modes: float = 1.0

    def __post_init__(self) -> None:
        for weight in fields(self):
            _check_weight(weight.name, getattr(self, weight.name))
        if not any(getattr(self, name) > 0 for name in CRITERIA):
            raise ValueError("weights: at least one weight must be greater than zero")

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(float(getattr(self, name)) for name in CRITERIA)


def _check_weight(name: str, value: object) -> None:
    # bool is an int subclass; True as a weight is almost certainly a bug.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"weight {name!r} must be a number, got {value!r}")
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"weight {name!r} must be a finite number, got {value!r}")
    if value < 0:
        raise ValueError(f"weight {name!r} must not be negative, got {value!r}")


@dataclass(frozen=True)
class CriterionScore:
    """One similarity criterion: score in [0, 1], or None when not recorded."""

    name: str
    score: float | None
    reason: str


@dataclass(frozen=True)
class Exclusion:
    """Why a mentor cannot be suggested: the first hard rule that failed."""

    mentor_id: MentorId
    rule: str
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """An eligible mentor with its total score.

    ``parts`` holds each criterion's score (None = not recorded) in
    ``CRITERIA`` order. ``criteria`` - the same scores with plain-words
    reasons - is built on first access, because writing sentences for
    thousands of mentors nobody will read is what made ranking slow.
    """

    mentor_id: MentorId
    total: float
    parts: tuple[float | None, ...]
    patient: PatientProfile = field(repr=False, compare=False)
    mentor: MentorProfile = field(repr=False, compare=False)

    @cached_property
    def criteria(self) -> tuple[CriterionScore, ...]:
        from alongside.core.matching.similarity import score_all

        return score_all(self.patient, self.mentor)
