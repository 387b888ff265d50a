"""Benchmark instances and timing for the batch assignment.

``random_instance`` builds synthetic patients and mentors shaped like the
service (injury mix, willing categories, regions, in-person wishes, gender
and language preferences, programme status) and scores them through the
real hard rules and similarity, so the forbidden pairs come from the rules
rather than a coin toss; typically 5-20 % of pairs are feasible.
``dense_instance`` is the worst case: every pair allowed.

``run`` times ``assign`` against the reference - SciPy's dense
``linear_sum_assignment`` on the full slot-expanded matrix with forbidden
pairs given a large penalty and dropped afterwards - and checks both find the
same number of pairs and the same total score.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

from alongside.core.codes import AMPUTATION_SITES
from alongside.core.matching.assign import assign
from alongside.core.matching.pool import MentorPool
from alongside.core.matching.profiles import MentorProfile, PatientProfile, Weights
from alongside.core.vocabulary import ContactMode, Gender, InjuryCategory

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_REGIONS = {  # name: (latitude, longitude), Victoria-like
    "Melbourne North": (-37.70, 144.96),
    "Melbourne South": (-37.90, 145.00),
    "Melbourne East": (-37.82, 145.25),
    "Melbourne West": (-37.80, 144.75),
    "Geelong": (-38.15, 144.36),
    "Ballarat": (-37.56, 143.85),
    "Bendigo": (-36.76, 144.28),
    "Gippsland": (-38.20, 146.40),
}
_CATEGORIES = (
    InjuryCategory.ORTHO,
    InjuryCategory.TBI,
    InjuryCategory.SCI,
    InjuryCategory.AMPUTATION,
)
_CATEGORY_SHARE = (0.5, 0.25, 0.15, 0.10)
_OCCUPATIONS = (
    "7411",
    "7115",
    "8332",
    "2221",
    "4110",
    "9313",
    "2512",
    "5120",
    "6111",
    "3112",
    "7126",
    "7231",
    "8342",
    "5223",
    "5321",
    "9333",
    "2330",
    "1323",
)
_LANGUAGES = ("Vietnamese", "Greek", "Italian", "Arabic", "Mandarin", "Cantonese", "Hindi")
_SLOTS = tuple(
    f"{d}-{p}"
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for p in ("am", "pm", "eve")
)
_MODES = tuple(ContactMode)


def _person(rng: np.random.Generator) -> dict[str, Any]:
    region = str(rng.choice(list(_REGIONS)))
    lat, lon = _REGIONS[region]
    category = str(rng.choice(_CATEGORIES, p=_CATEGORY_SHARE))
    extra = str(rng.choice(_LANGUAGES)) if rng.random() < 0.2 else None
    return {
        "injury_category": category,
        "sci_level": str(rng.choice(["C4", "C5", "C6", "C7", "T4", "T10", "L1"]))
        if category == "sci"
        else None,
        "asia_grade": str(rng.choice(list("ABCD"))) if category == "sci" else None,
        "tbi_severity": str(rng.choice(["mild", "moderate", "severe"]))
        if category == "tbi"
        else None,
        "amputation_site": str(rng.choice([s.id for s in AMPUTATION_SITES]))
        if category == "amputation"
        else None,
        "icd10_codes": (str(rng.choice(["S72.3", "S82.2", "S32.4", "S42.2"])),)
        if category == "ortho"
        else (),
        "occupation_code": str(rng.choice(_OCCUPATIONS)),
        "occupation_classification": "isco08",
        "work_demands": str(rng.choice(["physical", "mixed", "desk"])),
        "age": int(rng.integers(18, 70)),
        "gender": Gender.MAN if rng.random() < 0.75 else Gender.WOMAN,
        "languages": ("English", extra) if extra else ("English",),
        "region": region,
        "latitude": lat + float(rng.normal(0, 0.15)),
        "longitude": lon + float(rng.normal(0, 0.15)),
        "availability": frozenset(str(s) for s in rng.choice(_SLOTS, size=4, replace=False)),
        "contact_modes": frozenset(str(m) for m in rng.choice(_MODES, size=2, replace=False)),
    }


def random_mentors(count: int, capacity_max: int = 5, seed: int = 0) -> list[MentorProfile]:
    rng = np.random.default_rng([seed, 1])
    mentors = []
    for i in range(count):
        person = _person(rng)
        willing = {person["injury_category"]}
        if rng.random() < 0.3:
            willing.add(str(rng.choice(_CATEGORIES)))
        mentors.append(
            MentorProfile(
                mentor_id=i,
                **person,
                active=bool(rng.random() < 0.95),
                paused=bool(rng.random() < 0.03),
                training_ok=bool(rng.random() < 0.97),
                checks_ok=bool(rng.random() < 0.97),
                supervision_ok=True,
                capacity=int(rng.integers(1, capacity_max + 1)),
                active_mentee_count=0,
                willing_categories=frozenset(willing),
                travel_radius_km=float(rng.choice([20, 40, 80])),
            )
        )
    return mentors


def random_patients(count: int, seed: int = 0) -> list[PatientProfile]:
    rng = np.random.default_rng([seed, 2])
    patients = []
    for i in range(count):
        person = _person(rng)
        patients.append(
            PatientProfile(
                patient_id=i,
                **person,
                preferred_mentor_gender=person["gender"] if rng.random() < 0.15 else None,
                required_language=person["languages"][-1]
                if len(person["languages"]) > 1 and rng.random() < 0.5
                else None,
                wants_in_person=bool(rng.random() < 0.4),
            )
        )
    return patients


def random_instance(
    patients: int, mentors: int, capacity_max: int = 5, seed: int = 0
) -> tuple[FloatArray, IntArray]:
    """(scores, capacities) from synthetic profiles through the real rules and scoring."""
    pool = MentorPool(random_mentors(mentors, capacity_max, seed))
    scores = pool.score_matrix(random_patients(patients, seed), Weights())
    return scores, pool.spare_capacities()


def dense_instance(
    patients: int, mentors: int, capacity_max: int = 5, seed: int = 0
) -> tuple[FloatArray, IntArray]:
    """Every pair allowed, uniform random scores: the hardest case for ``assign``."""
    rng = np.random.default_rng([seed, 3])
    return rng.random((patients, mentors)), rng.integers(1, capacity_max + 1, mentors).astype(
        np.int64
    )


def reference_assign(scores: FloatArray, capacities: IntArray) -> IntArray:
    """Dense slot-expanded ``linear_sum_assignment``; forbidden pairs penalised then dropped."""
    slot_owner = np.repeat(np.arange(capacities.size), capacities)
    expanded = scores[:, slot_owner]
    feasible = np.isfinite(expanded)
    allowed = expanded[feasible]
    low, high = (float(allowed.min()), float(allowed.max())) if allowed.size else (0.0, 0.0)
    # Larger than any achievable total, so using a forbidden pair never pays.
    penalty = low - (min(scores.shape[0], slot_owner.size) + 1) * (high - low + 1.0)
    expanded[~feasible] = penalty
    del allowed
    rows, cols = linear_sum_assignment(expanded, maximize=True)
    keep = feasible[rows, cols]
    result = np.full(scores.shape[0], -1, dtype=np.int64)
    result[rows[keep]] = slot_owner[cols[keep]]
    return result


def objective(scores: FloatArray, assignment: IntArray) -> tuple[int, float]:
    matched = np.flatnonzero(assignment >= 0)
    return int(matched.size), float(scores[matched, assignment[matched]].sum())


def _timed(solver: Any, scores: FloatArray, capacities: IntArray) -> dict[str, Any]:
    start = time.perf_counter()
    assignment = solver(scores, capacities)
    seconds = time.perf_counter() - start
    assigned, total = objective(scores, assignment)
    return {"seconds": seconds, "objective": total, "assigned": assigned}


def run(
    patients: int,
    mentors: int,
    capacity_max: int = 5,
    seed: int = 0,
    dense: bool = False,
    reference: bool = True,
) -> dict[str, Any]:
    """Time ``assign`` and the dense reference on one instance.

    Returns {"seconds", "objective", "assigned", "feasible_fraction",
    "reference": {"seconds", "objective", "assigned"}, "same_result"}.
    """
    make = dense_instance if dense else random_instance
    scores, capacities = make(patients, mentors, capacity_max, seed)
    result: dict[str, Any] = _timed(assign, scores, capacities)
    result["feasible_fraction"] = float(np.isfinite(scores).mean()) if scores.size else 0.0
    if reference:
        result["reference"] = _timed(reference_assign, scores, capacities)
        result["same_result"] = bool(
            result["assigned"] == result["reference"]["assigned"]
            and abs(result["objective"] - result["reference"]["objective"]) <= 1e-6
        )
    return result
