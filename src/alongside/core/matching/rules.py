"""Hard rules: a mentor failing any of them is never suggested.

Rules run in ``RULES`` order and the first failure is reported, so a
therapist sees the most basic reason ("not active") rather than a detail.

Unknown data: a safety gate (active, not paused, trained, checks, supervision,
capacity) that is not recorded fails - nobody is matched on a guess. A
patient's stated preference (gender, language, in person) that cannot be
checked because the mentor's data is missing also fails, since the patient
asked for it. A mentor with no recorded injury restriction is willing for all.
"""

from __future__ import annotations

from collections.abc import Callable

from alongside.core.codes import INJURY_CATEGORIES
from alongside.core.matching.profiles import Exclusion, MentorProfile, PatientProfile
from alongside.core.matching.similarity import distance_km
from alongside.core.mentor_programme import WELLBEING_HOLD_REASON

IN_PERSON = "in_person"
# The engine's gender vocabulary as a clinician writes a preference ("a male mentor").
GENDER_WORDS = {"man": "male", "woman": "female", "non_binary": "non-binary"}

RuleCheck = Callable[[PatientProfile, MentorProfile], str | None]


def _gate(field: str, failed: str, unknown: str, want: bool = True) -> RuleCheck:
    def check(patient: PatientProfile, mentor: MentorProfile) -> str | None:
        value = getattr(mentor, field)
        if value is None:
            return unknown
        return None if bool(value) is want else failed

    return check


def _capacity(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    if mentor.capacity is None:
        return "Mentor's capacity is not recorded"
    if mentor.active_mentee_count >= mentor.capacity:
        return f"No spare capacity: {mentor.active_mentee_count} of {mentor.capacity} mentees"
    return None


def _wellbeing_hold(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    return WELLBEING_HOLD_REASON if mentor.wellbeing_hold else None


def _not_excluded(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    if mentor.mentor_id in patient.excluded_mentor_ids:
        return "This patient and mentor were matched before and it was declined or ended"
    return None


def _willing(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    category = patient.injury_category
    if category is None or mentor.willing_categories is None:
        return None
    if category in mentor.willing_categories:
        return None
    words = INJURY_CATEGORIES.get(category, category)
    return f"Mentor is not willing to mentor someone with a {words}"


def _gender(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    wanted = patient.preferred_mentor_gender
    if not wanted:
        return None
    words = GENDER_WORDS.get(wanted.strip().casefold(), wanted)
    if not mentor.gender:
        return f"Patient asked for a {words} mentor; mentor's gender is not recorded"
    if wanted.strip().casefold() != mentor.gender.strip().casefold():
        return f"Patient asked for a {words} mentor"
    return None


def _language(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    wanted = patient.required_language
    if not wanted:
        return None
    spoken = {lang.strip().casefold() for lang in mentor.languages}
    if wanted.strip().casefold() in spoken:
        return None
    if not spoken:
        return f"Patient needs a mentor who speaks {wanted}; mentor's languages are not recorded"
    return f"Patient needs a mentor who speaks {wanted}"


def _in_person(patient: PatientProfile, mentor: MentorProfile) -> str | None:
    if not patient.wants_in_person:
        return None
    if mentor.contact_modes and IN_PERSON not in mentor.contact_modes:
        return "Patient wants to meet in person; mentor does not meet in person"
    km = distance_km(patient, mentor)
    if km is not None and mentor.travel_radius_km is not None:
        if km <= mentor.travel_radius_km:
            return None
        return (
            f"Too far to meet in person: about {km:.0f} km, "
            f"mentor travels up to {mentor.travel_radius_km:.0f} km"
        )
    if patient.region and mentor.region:
        if patient.region.strip().casefold() == mentor.region.strip().casefold():
            return None
        return "Patient wants to meet in person; mentor is in a different region"
    return (
        "Patient wants to meet in person; cannot check distance because a location is not recorded"
    )


RULES: tuple[tuple[str, RuleCheck], ...] = (
    ("active", _gate("active", "Mentor is not active", "Mentor's status is not recorded")),
    (
        "paused",
        _gate(
            "paused",
            "Mentor is paused",
            "Mentor's pause status is not recorded",
            want=False,
        ),
    ),
    ("wellbeing_hold", _wellbeing_hold),
    (
        "training",
        _gate(
            "training_ok",
            "Mentor's training is not complete or has lapsed",
            "Mentor's training is not recorded",
        ),
    ),
    (
        "checks",
        _gate(
            "checks_ok",
            "Mentor's background checks are missing or expired",
            "Mentor's checks are not recorded",
        ),
    ),
    (
        "supervision",
        _gate(
            "supervision_ok",
            "Mentor's supervision is overdue",
            "Mentor's supervision is not recorded",
        ),
    ),
    ("capacity", _capacity),
    ("declined_before", _not_excluded),
    ("willing", _willing),
    ("gender", _gender),
    ("language", _language),
    ("in_person", _in_person),
)
RULE_NAMES: tuple[str, ...] = tuple(name for name, _ in RULES)


def first_failed_rule(patient: PatientProfile, mentor: MentorProfile) -> Exclusion | None:
    """The first hard rule the pair fails, or None when the mentor is eligible."""
    for name, check in RULES:
        reason = check(patient, mentor)
        if reason is not None:
            return Exclusion(mentor.mentor_id, name, reason)
    return None


def is_eligible(patient: PatientProfile, mentor: MentorProfile) -> bool:
    return first_failed_rule(patient, mentor) is None
