"""The domain's choices, each defined once: what a stored value means and how it reads.

Models (``choices=Gender.choices``), forms, the matching engine, the API, demo
data, importers and templates all take their values from here, so a patient
and a mentor are recorded in the same words and the engine compares them
without a translation table. ``tests/core/test_vocabulary.py`` fails if a
second definition of the same choices appears anywhere in ``src/``.

Pure Python (``enum.StrEnum``): a member *is* its stored string, so it goes
into querysets and JSON as is; ``.label`` is the plain-language name and
``Class.choices`` the ``(value, label)`` list Django fields and forms take.
"""

from __future__ import annotations

from enum import EnumType, StrEnum
from typing import Any, Self


class _VocabularyType(EnumType):
    """Gives each vocabulary Django's ``choices`` / ``values`` / ``labels`` shape."""

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]  # type: ignore[var-annotated]

    @property
    def values(cls) -> list[str]:
        return [m.value for m in cls]  # type: ignore[var-annotated]

    @property
    def labels(cls) -> list[str]:
        return [m.label for m in cls]  # type: ignore[var-annotated]


class Vocabulary(StrEnum, metaclass=_VocabularyType):
    """A closed set of stored values, each with its label: ``WOMAN = "woman", "Woman"``."""

    _value_: str
    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value
        return member

    @classmethod
    def _missing_(cls, value: Any) -> Self | None:
        return None


# --- People ------------------------------------------------------------------


class Gender(Vocabulary):
    """A person's gender, and the gender a patient asks their mentor to be.

    Stored as gender words (woman/man), which is what the question asks and
    what mentors always recorded; patients used sex words (female/male) until
    the two were folded together (see the patients data migration). FHIR's
    administrative gender is mapped at the export (``reports.fhir``).
    """

    WOMAN = "woman", "Woman"
    MAN = "man", "Man"
    NON_BINARY = "non_binary", "Non-binary"
    SELF_DESCRIBED = "self_described", "Prefers to self-describe"
    NOT_SAID = "not_said", "Prefers not to say"


# --- Injury ------------------------------------------------------------------


class InjuryCategory(Vocabulary):
    """The kinds of traumatic injury an EIVR service takes.

    Ours, not a code set's: ``core.codes.icd10`` assigns ICD-10 codes to these
    kinds, and its ``INJURY_CATEGORIES`` words derive from the labels here.
    """

    SCI = "sci", "Spinal cord injury"
    TBI = "tbi", "Traumatic brain injury"
    ORTHO = "ortho", "Multi-trauma orthopaedic injury"
    AMPUTATION = "amputation", "Traumatic amputation"


class Mechanism(Vocabulary):
    """Cause of injury, for patients and mentors alike."""

    ROAD_VEHICLE = "road_vehicle", "Road: vehicle occupant"
    ROAD_MOTORCYCLE = "road_motorcycle", "Road: motorcyclist"
    ROAD_CYCLIST = "road_cyclist", "Road: cyclist"
    ROAD_PEDESTRIAN = "road_pedestrian", "Road: pedestrian"
    FALL_HEIGHT = "fall_height", "Fall from height"
    FALL_LOW = "fall_low", "Fall from standing or low height"
    STRUCK = "struck", "Struck by object or machinery"
    SPORT = "sport", "Sport or recreation"
    ASSAULT = "assault", "Assault"
    OTHER = "other", "Other"


class AmputationLaterality(Vocabulary):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BILATERAL = "bilateral", "Both sides"
    MULTIPLE = "multiple", "More than one limb"


# --- Work --------------------------------------------------------------------


class EmploymentType(Vocabulary):
    """Work or study at injury, for a patient and in a mentor's work story.

    One list for both sides. ``EMPLOYEE`` is what mentors recorded before the
    lists were joined (an employee whose hours were not asked); the matching
    engine compares the *kind* of work (``employment_kind``), so a full-time
    and a part-time employee are alike, as they always were.
    """

    FULL_TIME = "full_time", "Employed full time"
    PART_TIME = "part_time", "Employed part time"
    EMPLOYEE = "employee", "Employee (hours not recorded)"
    CASUAL = "casual", "Casual or zero-hours"
    SELF_EMPLOYED = "self_employed", "Self-employed"
    CONTRACTOR = "contractor", "Contractor"
    UNPAID = "unpaid", "Unpaid work (volunteer, carer)"
    STUDENT = "student", "Full-time study"
    UNEMPLOYED = "unemployed", "Not working"
    RETIRED = "retired", "Retired"
    OTHER = "other", "Other"


# Employment types that are paid work ("employed before injury").
PAID_WORK: frozenset[EmploymentType] = frozenset(
    {
        EmploymentType.FULL_TIME,
        EmploymentType.PART_TIME,
        EmploymentType.EMPLOYEE,
        EmploymentType.CASUAL,
        EmploymentType.SELF_EMPLOYED,
        EmploymentType.CONTRACTOR,
    }
)
# Employment types that meet "employed or studying at injury".
WORKING_OR_STUDYING: frozenset[EmploymentType] = PAID_WORK | {
    EmploymentType.UNPAID,
    EmploymentType.STUDENT,
}
_EMPLOYEES = frozenset({EmploymentType.FULL_TIME, EmploymentType.PART_TIME})


_NOT_A_KIND_OF_WORK = frozenset(
    {EmploymentType.UNEMPLOYED, EmploymentType.RETIRED, EmploymentType.OTHER}
)


def employment_kind(value: str | None) -> str | None:
    """The kind of work the matching engine compares (None: nothing to compare).

    Hours are not a kind (full and part time are both employees); not working,
    retired and "other" say nothing a mentor's work could be like.
    """
    if not value or value in _NOT_A_KIND_OF_WORK or value not in EmploymentType.values:
        return None
    return EmploymentType.EMPLOYEE.value if value in _EMPLOYEES else value


class JobDemands(Vocabulary):
    """How physical a mentor's job was, in the engine's order (desk to physical)."""

    PHYSICAL = "physical", "Mostly physical"
    MIXED = "mixed", "Mixed"
    DESK = "desk", "Mostly desk-based"


class RtwEmployer(Vocabulary):
    """Where a mentor went back to work."""

    SAME = "same", "The same employer"
    DIFFERENT = "different", "A different employer"
    SELF_EMPLOYED = "self_employed", "Self-employment"
    STUDY = "study", "Study"


# --- Mentoring ---------------------------------------------------------------


class ContactMode(Vocabulary):
    """How a patient and a mentor are willing to be in touch (their preferences)."""

    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"


class LoggedContactMode(Vocabulary):
    """How a logged contact was held: finer than ``ContactMode``, and messages too."""

    IN_PERSON_WARD = "in_person_ward", "In person, on the ward"
    IN_PERSON_OTHER = "in_person_other", "In person, elsewhere"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video"
    MESSAGE = "message", "Message"


class CheckKind(Vocabulary):
    """The checks a mentor passes before matching (each re-checked at its period)."""

    BACKGROUND = "background", "Police / background check"
    REFERENCE = "reference", "Reference"
    WWVP = "wwvp", "Working with vulnerable people check"
    CERTIFICATION = "certification", "Certification"


class MentorStatus(Vocabulary):
    """Where a mentor is in the programme; ``core.mentor_programme`` holds the moves."""

    ENQUIRY = "enquiry", "Enquiry"
    SCREENING = "screening", "Screening"
    CHECKS = "checks", "Checks"
    TRAINING = "training", "Training"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    RETIRED = "retired", "Retired"
    DECLINED = "declined", "Declined"


class Weekday(Vocabulary):
    """Days of a weekly availability slot ("mon-am")."""

    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"
    SAT = "sat", "Saturday"
    SUN = "sun", "Sunday"


class DayPart(Vocabulary):
    AM = "am", "morning"
    PM = "pm", "afternoon"
    EVE = "eve", "evening"


# Weekly availability slots, "mon-am" to "sun-eve", in week order.
AVAILABILITY_SLOTS: tuple[str, ...] = tuple(f"{d}-{p}" for d in Weekday for p in DayPart)


def slot_words(slot: str) -> str:
    """ "mon-am" -> "Monday morning" (an unknown slot reads as written)."""
    day, _, part = slot.partition("-")
    day_words = Weekday(day).label if day in Weekday.values else day
    part_words = DayPart(part).label if part in DayPart.values else part
    return f"{day_words} {part_words}".strip()


class MentorClockStart(Vocabulary):
    """When a service's "first mentor contact within N days" clock starts."""

    ACCEPTANCE = "acceptance", "When the referral is accepted"
    DISCHARGE = "discharge", "When the patient leaves hospital"
