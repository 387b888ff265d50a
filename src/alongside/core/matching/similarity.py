"""Similarity criteria between a patient and a mentor, with plain-words reasons.

Each criterion returns a ``CriterionScore`` with a score in [0, 1], or
``None`` with the reason "not recorded" when either side lacks the data.
These scalar functions are the definition; ``pool.MentorPool`` computes the
same numbers for thousands of mentors at once and is tested against them.

Scales (chosen so a "near miss" still counts for something):

- injury: different category 0; same category 0.5 plus half the mean of the
  recorded detail similarities (SCI level and ASIA grade, TBI severity,
  amputation site, shared ICD-10 fracture category); 0.75 when the category
  matches but no detail is recorded on both sides.
- work: weighted mean of occupation (0.6, shared hierarchy levels / depth),
  industry (0.15), physical/desk demands (0.15) and employment type (0.1),
  over the parts recorded on both sides.
- age: 1 - gap/20 years, floored at 0.
- place: 1 - distance/100 km when both have coordinates, else same region.
- language: 1 when they share a language, else 0.
- availability, modes: share of the patient's slots / modes the mentor has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from alongside.core.codes import INJURY_CATEGORIES, amputation_site, classification
from alongside.core.codes.icd10 import icd10_category_of, icd10_title
from alongside.core.codes.injury import ASIA_GRADES, TBI_SEVERITIES, sci_level_distance
from alongside.core.matching.profiles import (
    CRITERIA,
    CriterionScore,
    MentorProfile,
    PatientProfile,
    Weights,
)

NOT_RECORDED = "not recorded"
SCI_LEVEL_SPAN = 8  # segments apart at which level similarity reaches 0
AGE_SPAN_YEARS = 20.0
DISTANCE_SPAN_KM = 100.0
WORK_PARTS = {"occupation": 0.6, "industry": 0.15, "demands": 0.15, "employment": 0.1}
DEMANDS_ORDER = ("desk", "mixed", "physical")
DEMANDS_WORDS = {
    "desk": "desk-based work",
    "mixed": "work with mixed physical and desk demands",
    "physical": "physically demanding work",
}
EARTH_RADIUS_KM = 6371.0088


def injury_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    p_cat, m_cat = patient.injury_category, mentor.injury_category
    if p_cat is None or m_cat is None:
        return CriterionScore("injury", None, NOT_RECORDED)
    if p_cat != m_cat:
        return CriterionScore(
            "injury",
            0.0,
            f"Different injuries: {_category_words(p_cat)} and {_category_words(m_cat)}",
        )
    details, reason = _INJURY_DETAILS.get(p_cat, _no_details)(patient, mentor)
    score = 0.75 if not details else 0.5 + 0.5 * sum(details) / len(details)
    return CriterionScore("injury", score, reason)


def _category_words(category: str) -> str:
    return INJURY_CATEGORIES.get(category, category)


def _no_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[list[float], str]:
    return [], f"Both had a {_category_words(str(patient.injury_category))}"


def _sci_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[list[float], str]:
    details: list[float] = []
    if patient.sci_level and mentor.sci_level:
        try:
            gap = sci_level_distance(patient.sci_level, mentor.sci_level)
            details.append(max(0.0, 1.0 - gap / SCI_LEVEL_SPAN))
        except ValueError:
            pass  # an invalid stored level counts as not recorded
    if patient.asia_grade and mentor.asia_grade:
        grade = _ordinal_closeness(patient.asia_grade, mentor.asia_grade, ASIA_GRADES)
        details.extend([] if grade is None else [grade])
    p_text, m_text = _sci_words(patient), _sci_words(mentor)
    if p_text == m_text and p_text:
        level = f" {patient.sci_level.strip().upper()}" if patient.sci_level else ""
        asia = f" (ASIA {patient.asia_grade.strip().upper()})" if patient.asia_grade else ""
        return details, f"Both had a{level} spinal cord injury{asia}"
    if not p_text and not m_text:
        return details, "Both had a spinal cord injury"
    return details, (
        f"Both had a spinal cord injury: {p_text or 'details not recorded'} "
        f"and {m_text or 'details not recorded'}"
    )


def _sci_words(person: PatientProfile | MentorProfile) -> str:
    level = person.sci_level.strip().upper() if person.sci_level else ""
    grade = f"(ASIA {person.asia_grade.strip().upper()})" if person.asia_grade else ""
    return " ".join(part for part in (level, grade) if part)


def _ordinal_closeness(a: str, b: str, order: tuple[str, ...]) -> float | None:
    """1 for equal, 0.5 for adjacent, 0 for two or more steps; None if unknown."""
    lookup = {value.casefold(): i for i, value in enumerate(order)}
    a_index, b_index = lookup.get(a.strip().casefold()), lookup.get(b.strip().casefold())
    if a_index is None or b_index is None:
        return None
    return max(0.0, 1.0 - abs(a_index - b_index) / 2)


def _tbi_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[list[float], str]:
    p_sev, m_sev = patient.tbi_severity, mentor.tbi_severity
    closeness = _ordinal_closeness(p_sev, m_sev, TBI_SEVERITIES) if p_sev and m_sev else None
    if closeness is None or not (p_sev and m_sev):
        return [], "Both had a traumatic brain injury"
    if p_sev.lower() == m_sev.lower():
        return [closeness], f"Both had a {p_sev.lower()} traumatic brain injury"
    return [closeness], f"Both had a traumatic brain injury: {p_sev.lower()} and {m_sev.lower()}"


def _amputation_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[list[float], str]:
    if not (patient.amputation_site and mentor.amputation_site):
        return [], "Both had a traumatic amputation"
    try:
        p_site, m_site = (
            amputation_site(patient.amputation_site),
            amputation_site(mentor.amputation_site),
        )
    except ValueError:
        return [], "Both had a traumatic amputation"
    if p_site == m_site:
        return [1.0], f"Both had an amputation: {p_site.title.lower()}"
    closeness = 0.5 if p_site.limb == m_site.limb else 0.0
    limb = f" (both {p_site.limb} limb)" if closeness else ""
    return [
        closeness
    ], f"Both had an amputation: {p_site.title.lower()} and {m_site.title.lower()}{limb}"


def _ortho_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[list[float], str]:
    p_groups, m_groups = icd10_groups(patient.icd10_codes), icd10_groups(mentor.icd10_codes)
    if not (p_groups and m_groups):
        return [], "Both had a multi-trauma orthopaedic injury"
    shared = sorted(p_groups & m_groups)
    if not shared:
        return [0.0], "Both had a multi-trauma orthopaedic injury, with different fractures"
    names = ", ".join(f"{icd10_title(code).lower()} ({code})" for code in shared)
    return [1.0], f"Both had a multi-trauma orthopaedic injury including {names}"


def icd10_groups(codes: Iterable[str]) -> frozenset[str]:
    """Three-character ICD-10 categories of the valid codes (invalid ones ignored)."""
    groups = set()
    for code in codes:
        try:
            groups.add(icd10_category_of(code))
        except ValueError:
            continue  # a bad code must not stop matching; validation happens at entry
    return frozenset(groups)


_INJURY_DETAILS: dict[str, Callable[[PatientProfile, MentorProfile], tuple[list[float], str]]] = {
    "sci": _sci_details,
    "tbi": _tbi_details,
    "amputation": _amputation_details,
    "ortho": _ortho_details,
}


def work_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    parts: list[tuple[float, float]] = []  # (weight, closeness)
    reasons: list[str] = []
    occupation = _occupation_part(patient, mentor)
    if occupation is not None:
        parts.append((WORK_PARTS["occupation"], occupation[0]))
        reasons.append(occupation[1])
    for name, part in (
        ("industry", _industry_part(patient.industry, mentor.industry)),
        ("demands", _demands_part(patient.work_demands, mentor.work_demands)),
        ("employment", _employment_part(patient.employment_type, mentor.employment_type)),
    ):
        if part is not None:
            parts.append((WORK_PARTS[name], part[0]))
            reasons.append(part[1])
    if not parts:
        return CriterionScore("work", None, NOT_RECORDED)
    score = sum(w * c for w, c in parts) / sum(w for w, _ in parts)
    return CriterionScore("work", score, "; ".join(reasons))


def _occupation_part(patient: PatientProfile, mentor: MentorProfile) -> tuple[float, str] | None:
    p_code, m_code = patient.occupation_code, mentor.occupation_code
    scheme_id = patient.occupation_classification
    if not (p_code and m_code and scheme_id) or scheme_id != mentor.occupation_classification:
        return None
    scheme = classification(scheme_id)
    try:
        closeness = scheme.similarity(p_code, m_code)
        shared = scheme.shared_levels(p_code, m_code)
    except ValueError:
        return None  # invalid stored code: treat as not recorded rather than crash
    p_valid, m_valid = scheme.validate(p_code), scheme.validate(m_code)
    if p_valid == m_valid:
        return closeness, f"Both worked as {scheme.label(p_valid)}"
    if shared == 0:
        patient_major, mentor_major = scheme.label(p_valid[0]), scheme.label(m_valid[0])
        return closeness, f"Different occupation groups: {patient_major} and {mentor_major}"
    group = p_valid[: scheme.level_lengths[shared - 1]]
    level = scheme.level_names[shared - 1].replace(" group", " occupation group")
    title = scheme.title(group) or f"{scheme.short_name} {group}"
    return closeness, f"Same {level}: {title}"


def _industry_part(a: str | None, b: str | None) -> tuple[float, str] | None:
    if not (a and b):
        return None
    if _same_text(a, b):
        return 1.0, f"Both worked in {a.strip()}"
    return 0.0, f"Different industries: {a.strip()} and {b.strip()}"


def _demands_part(a: str | None, b: str | None) -> tuple[float, str] | None:
    if not (a and b) or a not in DEMANDS_ORDER or b not in DEMANDS_ORDER:
        return None
    closeness = max(0.0, 1.0 - abs(DEMANDS_ORDER.index(a) - DEMANDS_ORDER.index(b)) / 2)
    if a == b:
        return closeness, f"Both had {DEMANDS_WORDS[a]}"
    return closeness, f"Different work demands: {DEMANDS_WORDS[a]} and {DEMANDS_WORDS[b]}"


def _employment_part(a: str | None, b: str | None) -> tuple[float, str] | None:
    if not (a and b):
        return None
    if _same_text(a, b):
        return 1.0, f"Same employment type: {a.strip()}"
    return 0.0, f"Different employment types: {a.strip()} and {b.strip()}"


def _same_text(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def age_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    if patient.age is None or mentor.age is None:
        return CriterionScore("age", None, NOT_RECORDED)
    gap = abs(patient.age - mentor.age)
    score = max(0.0, 1.0 - gap / AGE_SPAN_YEARS)
    if gap == 0:
        return CriterionScore("age", score, f"Both aged {patient.age}")
    years = "year" if gap == 1 else "years"
    return CriterionScore(
        "age", score, f"Ages {patient.age} and {mentor.age} — {gap} {years} apart"
    )


def place_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    km = distance_km(patient, mentor)
    if km is not None:
        score = max(0.0, 1.0 - km / DISTANCE_SPAN_KM)
        return CriterionScore("place", score, f"About {km:.0f} km apart")
    if patient.region and mentor.region:
        if _same_text(patient.region, mentor.region):
            return CriterionScore("place", 1.0, f"Both in {patient.region.strip()}")
        return CriterionScore(
            "place", 0.0, f"Different regions: {patient.region.strip()} and {mentor.region.strip()}"
        )
    return CriterionScore("place", None, NOT_RECORDED)


def distance_km(patient: PatientProfile, mentor: MentorProfile) -> float | None:
    """Great-circle distance, or None when either location is not recorded."""
    coords = (patient.latitude, patient.longitude, mentor.latitude, mentor.longitude)
    if any(c is None for c in coords):
        return None
    lat1, lon1, lat2, lon2 = (math.radians(float(c)) for c in coords)  # type: ignore[arg-type]
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def language_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    if not (patient.languages and mentor.languages):
        return CriterionScore("language", None, NOT_RECORDED)
    mentor_keys = {lang.strip().casefold() for lang in mentor.languages}
    shared = [lang.strip() for lang in patient.languages if lang.strip().casefold() in mentor_keys]
    if shared:
        return CriterionScore("language", 1.0, f"Both speak {_join_words(shared)}")
    return CriterionScore(
        "language",
        0.0,
        f"No shared language: patient speaks {_join_words(patient.languages)}; "
        f"mentor speaks {_join_words(mentor.languages)}",
    )


def availability_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    if not (patient.availability and mentor.availability):
        return CriterionScore("availability", None, NOT_RECORDED)
    shared = sorted(patient.availability & mentor.availability)
    score = len(shared) / len(patient.availability)
    if not shared:
        return CriterionScore("availability", 0.0, "No weekly time slot in common")
    return CriterionScore(
        "availability",
        score,
        f"{len(shared)} of the patient's {len(patient.availability)} weekly time slots "
        f"suit the mentor: {', '.join(shared)}",
    )


def modes_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    if not (patient.contact_modes and mentor.contact_modes):
        return CriterionScore("modes", None, NOT_RECORDED)
    shared = sorted(patient.contact_modes & mentor.contact_modes)
    score = len(shared) / len(patient.contact_modes)
    if not shared:
        prefers = _join_words(sorted(patient.contact_modes), _mode)
        offers = _join_words(sorted(mentor.contact_modes), _mode)
        return CriterionScore(
            "modes",
            0.0,
            f"No shared way to meet: patient prefers {prefers}; mentor offers {offers}",
        )
    return CriterionScore("modes", score, f"Both can meet by {_join_words(shared, _mode)}")


def _mode(mode: str) -> str:
    return mode.replace("_", " ")


def _join_words(words: Iterable[str], render: Callable[[str], str] = str) -> str:
    items = [render(w.strip()) for w in words]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


CRITERION_FUNCTIONS: dict[str, Callable[[PatientProfile, MentorProfile], CriterionScore]] = {
    "injury": injury_similarity,
    "work": work_similarity,
    "age": age_similarity,
    "place": place_similarity,
    "language": language_similarity,
    "availability": availability_similarity,
    "modes": modes_similarity,
}


def score_all(patient: PatientProfile, mentor: MentorProfile) -> tuple[CriterionScore, ...]:
    """Every criterion, in ``CRITERIA`` order."""
    return tuple(CRITERION_FUNCTIONS[name](patient, mentor) for name in CRITERIA)


def weighted_total(parts: Iterable[float | None], weights: Weights) -> float:
    """Weighted mean over recorded criteria; 0.0 when no weighted criterion is recorded."""
    numerator = denominator = 0.0
    for score, weight in zip(parts, weights.as_tuple(), strict=False):
        if score is not None:
            numerator += weight * score
            denominator += weight
    return numerator / denominator if denominator > 0 else 0.0
