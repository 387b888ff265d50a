"""Similarity criteria between a patient and a mentor, with plain-words reasons.

Each criterion returns a ``CriterionScore`` with a score in [0, 1], or
``None`` with the reason "not recorded" when either side lacks the data.
These scalar functions are the definition; ``pool.MentorPool`` computes the
same numbers for thousands of mentors at once and is tested against them.

Scales (chosen so a "near miss" still counts for something):

What the patient lacks is ``None`` (same for every mentor); what only the
mentor lacks scores 0, as the least similar recorded value would: a missing
detail never beats a recorded dissimilar one.

- injury: different category 0; same category ``INJURY_FLOOR`` (0.25) plus
  0.75 x the weighted mean of the patient's recorded details (see
  ``lived_experience.DETAIL_WEIGHTS``: SCI function by level and AIS group,
  TBI severity, amputation level and laterality, shared ICD-10 fracture
  category, and the cause of injury); 0.75 when the patient's details are
  not recorded.
- work: weighted mean of occupation (0.6, shared hierarchy levels / depth,
  the better of the mentor's job before injury and the one they went back
  to), industry (0.15), physical/desk demands (0.15), employment type (0.1)
  and the return path (0.1: job held open and the mentor went back to their
  employer, or neither), over the parts recorded for the patient.
- age: 1 - gap/20 years, floored at 0.
- place: 1 - distance/100 km when both have coordinates, else same region.
- language: 1 when they share a language, else 0.
- availability, modes: share of the patient's slots / modes the mentor has.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from alongside.core.codes import CLASSIFICATIONS, INJURY_CATEGORIES, amputation_site, classification
from alongside.core.codes.icd10 import icd10_category_of, icd10_title
from alongside.core.codes.injury import (
    AMPUTATION_SITES,
    TBI_SEVERITIES,
    AmputationSite,
    validate_asia_grade,
    validate_sci_level,
    validate_tbi_severity,
)
from alongside.core.matching import lived_experience as lx
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
WORK_PARTS = {
    "occupation": 0.6,
    "industry": 0.15,
    "demands": 0.15,
    "employment": 0.1,
    "return": 0.1,
}
DEMANDS_ORDER = ("desk", "mixed", "physical")
DEMANDS_WORDS = {
    "desk": "desk-based work",
    "mixed": "work with mixed physical and desk demands",
    "physical": "physically demanding work",
}
EARTH_RADIUS_KM = 6371.0088
CLASSIFICATION_IDS = frozenset(CLASSIFICATIONS)


INJURY_FLOOR = 0.25  # same category, every recorded detail unlike: details decide the order
NO_DETAILS = 0.75  # same category, the patient's details not recorded: all such mentors tie


def injury_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    p_cat, m_cat = patient.injury_category, mentor.injury_category
    if p_cat is None:
        return CriterionScore("injury", None, NOT_RECORDED)
    if m_cat is None:
        return CriterionScore("injury", 0.0, "Mentor's injury not recorded")
    if p_cat != m_cat:
        return CriterionScore(
            "injury",
            0.0,
            f"Different injuries: {_category_words(p_cat)} and {_category_words(m_cat)}",
        )
    details, reason = _INJURY_DETAILS.get(p_cat, _no_details)(patient, mentor)
    cause = _cause_detail(patient, mentor) if p_cat in lx.DETAIL_WEIGHTS else None
    if cause is not None:
        details.append(("cause", cause[0]))
        reason += cause[1]
    if not details:
        return CriterionScore("injury", NO_DETAILS, reason)
    weights = lx.DETAIL_WEIGHTS[p_cat]
    mean = sum(weights[name] * c for name, c in details) / sum(weights[name] for name, _ in details)
    return CriterionScore("injury", INJURY_FLOOR + (1 - INJURY_FLOOR) * mean, reason)


Details = list[tuple[str, float]]


def _category_words(category: str) -> str:
    return INJURY_CATEGORIES.get(category, category)


def _no_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[Details, str]:
    return [], f"Both had a {_category_words(str(patient.injury_category))}"


def _valid(value: str | None, validate: Callable[[str], str]) -> str | None:
    if not value:
        return None
    try:
        return validate(value)
    except ValueError:
        return None  # an invalid stored value counts as not recorded


def _cause_detail(patient: PatientProfile, mentor: MentorProfile) -> tuple[float, str] | None:
    """Cause of injury, scored only when the patient's is recorded (and not "other")."""
    p_index = lx.mechanism_index(patient.mechanism)
    if p_index < 0 or not lx.MECHANISMS[lx.MECHANISM_IDS[p_index]]:
        return None
    if lx.mechanism_index(mentor.mechanism) != p_index:
        return 0.0, ""
    return 1.0, f"; both injured in {lx.MECHANISMS[lx.MECHANISM_IDS[p_index]]}"


def _sci_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[Details, str]:
    details: Details = []
    p_level, m_level = (_valid(x.sci_level, validate_sci_level) for x in (patient, mentor))
    p_grade, m_grade = (_valid(x.asia_grade, validate_asia_grade) for x in (patient, mentor))
    if p_level:
        details.append(("level", lx.sci_level_closeness(p_level, m_level) if m_level else 0.0))
    if p_grade:
        details.append(("ais", lx.ais_closeness(p_grade, m_grade) if m_grade else 0.0))
    p_words, m_words = lx.sci_words(p_level, p_grade), lx.sci_words(m_level, m_grade)
    if not (p_level or p_grade):
        return details, "Both have a spinal cord injury"
    if p_words == m_words:
        levels = f"; levels {p_level} and {m_level}" if p_level != m_level else ""
        return details, f"Both have {p_words}{levels}"
    if not (m_level or m_grade):
        return details, f"Patient has {p_words}; mentor's level and AIS grade not recorded"
    return details, f"Patient has {p_words}; mentor has {m_words}"


def _ordinal_closeness(a: str, b: str, order: tuple[str, ...]) -> float | None:
    """1 for equal, 0.5 for adjacent, 0 for two or more steps; None if unknown."""
    lookup = {value.casefold(): i for i, value in enumerate(order)}
    a_index, b_index = lookup.get(a.strip().casefold()), lookup.get(b.strip().casefold())
    if a_index is None or b_index is None:
        return None
    return max(0.0, 1.0 - abs(a_index - b_index) / 2)


def _tbi_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[Details, str]:
    p_sev = _valid(patient.tbi_severity, validate_tbi_severity)
    m_sev = _valid(mentor.tbi_severity, validate_tbi_severity)
    if p_sev is None:
        return [], "Both have a traumatic brain injury"
    if m_sev is None:
        return [("severity", 0.0)], (
            f"Patient has a {p_sev} traumatic brain injury; mentor's severity not recorded"
        )
    closeness = _ordinal_closeness(p_sev, m_sev, TBI_SEVERITIES) or 0.0
    if p_sev == m_sev:
        return [("severity", closeness)], f"Both have a {p_sev} traumatic brain injury"
    return [("severity", closeness)], (
        f"Patient has a {p_sev} traumatic brain injury; mentor a {m_sev} one"
    )


def _amputation_words(site: AmputationSite | None, laterality: str | None) -> str:
    where = {
        "left": " on the left",
        "right": " on the right",
        "bilateral": " on both sides",
        "multiple": " of more than one limb",
    }.get(laterality or "", "")
    if site is None:
        return f"an amputation{where}" if where else "an amputation"
    title = f"{site.title[:1].lower()}{site.title[1:]}"
    article = "an" if title[:1] in "aeiou" else "a"
    return f"{article} {title} amputation{where}"


def _amputation_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[Details, str]:
    p_site, m_site = (_valid(x.amputation_site, _site_id) for x in (patient, mentor))
    p_lat = lx.laterality_index(patient.amputation_laterality)
    m_lat = lx.laterality_index(mentor.amputation_laterality)
    details: Details = []
    if p_site:
        closeness = lx.amputation_site_closeness(p_site, m_site) if m_site else 0.0
        details.append(("site", closeness))
    if p_lat >= 0:
        details.append(("laterality", lx.LATERALITY_TABLE[p_lat][m_lat] if m_lat >= 0 else 0.0))
    if not details:
        return [], "Both have a traumatic amputation"
    sites = {s.id: s for s in AMPUTATION_SITES}
    p_lat_id = patient.amputation_laterality.strip().lower() if p_lat >= 0 else None  # type: ignore[union-attr]
    m_lat_id = mentor.amputation_laterality.strip().lower() if m_lat >= 0 else None  # type: ignore[union-attr]
    p_words = _amputation_words(sites.get(p_site or ""), p_lat_id)
    m_words = _amputation_words(sites.get(m_site or ""), m_lat_id)
    if p_words == m_words:
        return details, f"Both have {p_words}"
    return details, f"Patient has {p_words}; mentor has {m_words}"


def _site_id(value: str) -> str:
    return amputation_site(value).id


def _ortho_details(patient: PatientProfile, mentor: MentorProfile) -> tuple[Details, str]:
    p_groups, m_groups = icd10_groups(patient.icd10_codes), icd10_groups(mentor.icd10_codes)
    if not p_groups:
        return [], "Both had a multi-trauma orthopaedic injury"
    shared = sorted(p_groups & m_groups)
    if not m_groups:
        return [("fracture", 0.0)], (
            "Both had a multi-trauma orthopaedic injury; mentor's injuries not coded"
        )
    if not shared:
        return [("fracture", 0.0)], (
            "Both had a multi-trauma orthopaedic injury, with different fractures"
        )
    names = ", ".join(f"{icd10_title(code).lower()} ({code})" for code in shared)
    return [("fracture", 1.0)], f"Both had a multi-trauma orthopaedic injury including {names}"


def icd10_groups(codes: Iterable[str]) -> frozenset[str]:
    """Three-character ICD-10 categories of the valid codes (invalid ones ignored)."""
    groups = set()
    for code in codes:
        try:
            groups.add(icd10_category_of(code))
        except ValueError:
            continue  # a bad code must not stop matching; validation happens at entry
    return frozenset(groups)


_INJURY_DETAILS: dict[str, Callable[[PatientProfile, MentorProfile], tuple[Details, str]]] = {
    "sci": _sci_details,
    "tbi": _tbi_details,
    "amputation": _amputation_details,
    "ortho": _ortho_details,
}


def work_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    parts: list[tuple[float, float]] = []  # (weight, closeness)
    reasons: list[str] = []
    for name, part in (
        ("occupation", _occupation_part(patient, mentor)),
        ("industry", _industry_part(patient.industry, mentor.industry)),
        ("demands", _demands_part(patient.work_demands, mentor.work_demands)),
        ("employment", _employment_part(patient.employment_type, mentor.employment_type)),
        ("return", _return_part(patient.job_held_open, mentor.rtw_employer)),
    ):
        if part is not None:
            parts.append((WORK_PARTS[name], part[0]))
            if part[1]:
                reasons.append(part[1])
    if not parts:
        return CriterionScore("work", None, NOT_RECORDED)
    score = sum(w * c for w, c in parts) / sum(w for w, _ in parts)
    story = _return_story(patient, mentor)
    parts_words = reasons + ([story] if story else [])
    # One sentence: later clauses start lower case ("...; mentor's job after injury: ...").
    words = "; ".join(p if i == 0 else p[:1].lower() + p[1:] for i, p in enumerate(parts_words))
    return CriterionScore("work", score, words)


def occupation_words(scheme_id: str, code: str) -> str:
    """ "bricklayers and related workers (ISCO 7112)": the title as a sentence writes it."""
    scheme = classification(scheme_id)
    valid = scheme.validate(code)
    title = scheme.title(valid) or ""
    words = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in title.split())
    return f"{words} ({scheme.short_name} {valid})" if words else f"{scheme.short_name} {valid}"


def _occupation_closeness(scheme_id: str, a: str, b: str | None) -> float | None:
    if not b:
        return None
    try:
        return classification(scheme_id).similarity(a, b)
    except ValueError:
        return None


def _occupation_part(patient: PatientProfile, mentor: MentorProfile) -> tuple[float, str] | None:
    """The patient's job against the mentor's job before injury and the one they went back to."""
    p_code, scheme_id = patient.occupation_code, patient.occupation_classification
    if not (p_code and scheme_id) or scheme_id not in CLASSIFICATION_IDS:
        return None
    scheme = classification(scheme_id)
    try:
        p_valid = scheme.validate(p_code)
    except ValueError:
        return None  # the patient's invalid stored code: as not recorded
    if mentor.occupation_classification != scheme_id:
        return 0.0, "Mentor's work before injury not recorded"
    before = _occupation_closeness(scheme_id, p_valid, mentor.occupation_code)
    after = _occupation_closeness(scheme_id, p_valid, mentor.rtw_occupation_code)
    if before is None and after is None:
        return 0.0, "Mentor's work before injury not recorded"
    if after is not None and (before is None or after > before):
        return after, _occupation_reason(scheme_id, p_valid, str(mentor.rtw_occupation_code), True)
    return before or 0.0, _occupation_reason(scheme_id, p_valid, str(mentor.occupation_code), False)


def _occupation_reason(scheme_id: str, p_code: str, m_code: str, after_injury: bool) -> str:
    scheme = classification(scheme_id)
    m_valid = scheme.validate(m_code)
    shared = scheme.shared_levels(p_code, m_valid)
    if p_code == m_valid:
        words = occupation_words(scheme_id, p_code)
        if after_injury:
            return f"Mentor went back to work as the patient worked: {words}"
        return f"Both worked as {words}"
    if shared == 0:
        patient_major, mentor_major = scheme.label(p_code[0]), scheme.label(m_valid[0])
        return f"Different occupation groups: {patient_major} and {mentor_major}"
    group = p_code[: scheme.level_lengths[shared - 1]]
    level = scheme.level_names[shared - 1].replace(" group", " occupation group")
    title = scheme.title(group) or f"{scheme.short_name} {group}"
    when = " (the mentor's job after injury)" if after_injury else ""
    return f"Same {level}: {title}{when}"


def _return_part(job_held_open: bool | None, rtw_employer: str | None) -> tuple[float, str] | None:
    """A patient whose job is held open is helped by a mentor who went back to theirs."""
    if job_held_open is None:
        return None
    if rtw_employer not in lx.RTW_EMPLOYERS:
        return 0.0, ""
    went_back = rtw_employer == "same"
    if went_back and job_held_open:
        return 1.0, "Patient's job is held open and the mentor went back to their own employer"
    if not went_back and not job_held_open:
        return (
            1.0,
            "Neither could go back to the same job: the mentor moved to "
            + lx.RTW_EMPLOYERS[rtw_employer],
        )
    return 0.0, ""


def _return_story(patient: PatientProfile, mentor: MentorProfile) -> str:
    """The mentor's return to work in one clause, for the therapist (not scored here)."""
    bits = []
    if mentor.rtw_occupation_code and mentor.occupation_classification:
        try:
            bits.append(
                occupation_words(mentor.occupation_classification, mentor.rtw_occupation_code)
            )
        except ValueError:
            pass
    if mentor.rtw_employer in lx.RTW_EMPLOYERS:
        bits.append(f"with {lx.RTW_EMPLOYERS[str(mentor.rtw_employer)]}")
    if mentor.rtw_adjustments and mentor.rtw_adjustments.strip():
        bits.append(f"adjustments: {mentor.rtw_adjustments.strip()}")
    return ("Mentor's job after injury: " + ", ".join(bits)) if bits else ""


def _industry_part(a: str | None, b: str | None) -> tuple[float, str] | None:
    if not (a and a.strip()):
        return None
    if not (b and b.strip()):
        return 0.0, "Mentor's industry not recorded"
    if _same_text(a, b):
        return 1.0, f"Both worked in {a.strip()}"
    return 0.0, f"Different industries: {a.strip()} and {b.strip()}"


def _demands_part(a: str | None, b: str | None) -> tuple[float, str] | None:
    if a not in DEMANDS_ORDER:
        return None
    if b not in DEMANDS_ORDER:
        return 0.0, "Mentor's work demands not recorded"
    closeness = max(0.0, 1.0 - abs(DEMANDS_ORDER.index(a) - DEMANDS_ORDER.index(b)) / 2)
    if a == b:
        return closeness, f"Both had {DEMANDS_WORDS[a]}"
    return closeness, f"Different work demands: {DEMANDS_WORDS[a]} and {DEMANDS_WORDS[b]}"


def _employment_part(a: str | None, b: str | None) -> tuple[float, str] | None:
    if not (a and a.strip()):
        return None
    if not (b and b.strip()):
        return 0.0, "Mentor's employment type not recorded"
    if _same_text(a, b):
        return 1.0, f"Same employment type: {a.strip()}"
    return 0.0, f"Different employment types: {a.strip()} and {b.strip()}"


def _same_text(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def age_similarity(patient: PatientProfile, mentor: MentorProfile) -> CriterionScore:
    if patient.age is None:
        return CriterionScore("age", None, NOT_RECORDED)
    if mentor.age is None:
        return CriterionScore("age", 0.0, "Mentor's age not recorded")
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
    if _has_place(patient):
        return CriterionScore("place", 0.0, "Cannot compare places: mentor's not recorded")
    return CriterionScore("place", None, NOT_RECORDED)


def _has_place(person: PatientProfile | MentorProfile) -> bool:
    coords = person.latitude is not None and person.longitude is not None
    return coords or bool(person.region and person.region.strip())


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
    if not patient.languages:
        return CriterionScore("language", None, NOT_RECORDED)
    if not mentor.languages:
        return CriterionScore("language", 0.0, "Mentor's languages not recorded")
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
    if not patient.availability:
        return CriterionScore("availability", None, NOT_RECORDED)
    if not mentor.availability:
        return CriterionScore("availability", 0.0, "Mentor's weekly times not recorded")
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
    if not patient.contact_modes:
        return CriterionScore("modes", None, NOT_RECORDED)
    if not mentor.contact_modes:
        return CriterionScore("modes", 0.0, "Mentor's ways to meet not recorded")
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
