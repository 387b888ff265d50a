"""Which injury details belong to which kind of injury, and which combinations
cannot be true. One rule, used by the referral and injury forms, the CSV
import and the API (through ``patients.services``).

- **Relevant details.** The neurological level and ASIA Impairment Scale grade
  describe a spinal cord injury; the TBI severity, the lowest Glasgow Coma
  Scale score and the length of post-traumatic amnesia a brain injury; the
  amputation site and side an amputation. For any other kind (or none) those
  fields are not asked and, when sent, cleared (``without_irrelevant``).
- **Inconsistent combinations** are refused, one message per problem, naming
  the field (``injury_detail_problems``):

  - the ICD-10 codes must include one of the recorded kind of injury;
  - a cord code names a part of the cord, so the neurological level (the most
    caudal segment with normal function) lies in that part or one segment above
    it: a cervical cord code (S14.0, S14.1) has a level from C1 to C8, a thoracic
    one (S24.0, S24.1) from C8 to T12, a lumbar one (S34.0, S34.1) from T12 to S5,
    the cauda equina (S34.3) from L1 to S5; an ICD-10-AM functional-level code
    (S14.75 "C5") names the level itself;
  - a TBI severity may not be milder than what the GCS or the PTA shows
    (GCS 13-15 mild, 9-12 moderate, 3-8 severe; PTA up to a day mild, up to a
    week moderate, longer severe). The severity follows the *worst* indicator, so
    "severe" with GCS 14 stands (loss of consciousness or PTA may say severe);
    "mild" with GCS 5 does not;
  - an amputation site must be in the limb and region of the amputation code
    (S88 "lower leg" is below the knee or at the knee, never above it), and a
    code of several limbs (T05) cannot be on the left or the right only.

Pure: the caller passes canonical, already validated ICD-10 codes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Final

from alongside.core.codes.icd10 import WHO, InjuryCode, lookup_icd10, sci_levels_for_icd10
from alongside.core.codes.injury import SCI_LEVELS, TBI_SEVERITIES, amputation_site

# Detail fields per kind of injury; every other kind has none.
DETAIL_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "sci": ("sci_level", "asia_grade"),
    "tbi": ("tbi_severity", "gcs", "pta_days"),
    "amputation": ("amputation_site", "amputation_laterality"),
}
ALL_DETAIL_FIELDS: Final[tuple[str, ...]] = tuple(
    name for names in DETAIL_FIELDS.values() for name in names
)
_CATEGORY_WORDS: Final[dict[str, str]] = {
    "sci": "a spinal cord injury",
    "tbi": "a traumatic brain injury",
    "ortho": "a multi-trauma orthopaedic injury (fracture)",
    "amputation": "a traumatic amputation",
}

# Cord code group -> (part of the cord, most cranial level, most caudal level).
_CORD_LEVELS: Final[dict[str, tuple[str, str, str]]] = {
    "S14.0": ("cervical", "C1", "C8"),
    "S14.1": ("cervical", "C1", "C8"),
    "S24.0": ("thoracic", "C8", "T12"),
    "S24.1": ("thoracic", "C8", "T12"),
    "S34.0": ("lumbar", "T12", "S5"),
    "S34.1": ("lumbar", "T12", "S5"),
    "S34.3": ("cauda equina", "L1", "S5"),
    # ICD-10-AM functional level with the level unspecified: the region itself.
    "S14.7": ("cervical", "C1", "C8"),
    "S24.7": ("thoracic", "T1", "T12"),
    "S34.7": ("lumbar and sacral", "L1", "S5"),
}

# Amputation code category -> (region in words, sites in it).
_AMPUTATION_REGIONS: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "S48": ("the shoulder and upper arm", ("shoulder", "transhumeral")),
    "S58": ("the elbow and forearm", ("elbow", "transradial")),
    "S68": ("the wrist and hand", ("wrist", "partial_hand")),
    "S78": ("the hip and thigh", ("hip", "transfemoral")),
    "S88": ("the knee and lower leg", ("knee", "transtibial")),
    "S98": ("the ankle and foot", ("ankle", "partial_foot")),
    "T92": (
        "the upper limb",
        ("partial_hand", "wrist", "transradial", "elbow", "transhumeral", "shoulder"),
    ),
    "T93": (
        "the lower limb",
        ("partial_foot", "ankle", "transtibial", "knee", "transfemoral", "hip"),
    ),
}
_SEVERAL_LIMBS: Final = "T05"

# The injury as a mentor describes theirs (their profile, and the matching pool that
# reads it); a patient's record adds the acute measures (GCS, PTA, ISS) and dates.
MENTOR_INJURY_FIELDS: Final = (
    "injury_category",
    "icd10_codes",
    "sci_level",
    "asia_grade",
    "tbi_severity",
    "amputation_site",
    "amputation_laterality",
    "mechanism",
)


@dataclass(frozen=True)
class InjuryDetails:
    """What a record says about one injury; empty text or None is "not recorded"."""

    category: str = ""
    icd10_codes: tuple[str, ...] = ()
    sci_level: str = ""
    asia_grade: str = ""
    tbi_severity: str = ""
    gcs: int | None = None
    pta_days: int | None = None
    amputation_site: str = ""
    amputation_laterality: str = ""
    modification: str = WHO  # the service's ICD-10 edition


@dataclass(frozen=True)
class InjuryProblem:
    field: str
    message: str


def detail_fields_for(category: str) -> tuple[str, ...]:
    """The detail fields that describe this kind of injury (none for most)."""
    return DETAIL_FIELDS.get(category, ())


def without_irrelevant(details: InjuryDetails) -> InjuryDetails:
    """The details with every field of another kind of injury cleared."""
    keep = set(detail_fields_for(details.category))
    cleared = {
        name: (None if name in ("gcs", "pta_days") else "")
        for name in ALL_DETAIL_FIELDS
        if name not in keep
    }
    return dataclasses.replace(details, **cleared)  # type: ignore[arg-type]


def tbi_severity_from_pta(days: int) -> str:
    """Post-traumatic amnesia up to a day mild, up to a week moderate, longer severe."""
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        raise ValueError(f"Post-traumatic amnesia is a number of days (0 or more), got {days!r}")
    if days <= 1:
        return "mild"
    return "moderate" if days <= 7 else "severe"


def tbi_severity_from_indicators(gcs: int | None, pta_days: int | None) -> str:
    """The worst severity the recorded indicators show, or "" when none is recorded."""
    from alongside.core.codes.injury import tbi_severity_from_gcs

    shown: list[str] = []
    if gcs is not None:
        shown.append(tbi_severity_from_gcs(gcs))
    if pta_days is not None:
        shown.append(tbi_severity_from_pta(pta_days))
    return max(shown, key=TBI_SEVERITIES.index) if shown else ""


def sci_levels_for_code(code: str) -> tuple[str, str, str] | None:
    """(part of the cord, most cranial, most caudal) neurological level a cord code
    allows, or None for a code that is not of the cord (or a sequela)."""
    exact = sci_levels_for_icd10(code)
    if exact is not None:
        return (f"{exact[0]} to {exact[1]}" if exact[0] != exact[1] else exact[0], *exact)
    for length in (5, 4, 3):
        found = _CORD_LEVELS.get(code[:length])
        if found is not None:
            return found
    return None


def amputation_sites_for_code(code: str) -> tuple[str, tuple[str, ...]] | None:
    """(region in words, sites in it) of an amputation code, or None."""
    return _AMPUTATION_REGIONS.get(code[:3])


def injury_detail_problems(details: InjuryDetails) -> list[InjuryProblem]:
    """Every combination that cannot be true, one problem each, in form order."""
    problems: list[InjuryProblem] = []
    found: list[InjuryCode] = []
    for code in details.icd10_codes:
        try:
            found.append(lookup_icd10(code, details.modification))
        except ValueError:
            continue  # refused, with its own message, by the code check
    category = details.category
    if category and found and all(c.category != category for c in found):
        listed = ", ".join(c.code for c in found)
        problems.append(
            InjuryProblem(
                "injury_category",
                f"The injury type is {_CATEGORY_WORDS.get(category, category)}, but none of "
                f"the ICD-10 codes ({listed}) is one. Choose the injury type the codes "
                "describe, or add the code of this injury.",
            )
        )
    if category == "sci" and details.sci_level:
        problems += _sci_level_problems(details, found)
    if category == "tbi" and details.tbi_severity:
        problems += _tbi_problems(details)
    if category == "amputation":
        problems += _amputation_problems(details, found)
    return problems


def _level_index(level: str) -> int:
    return SCI_LEVELS.index(level)


def _sci_level_problems(details: InjuryDetails, found: list[InjuryCode]) -> list[InjuryProblem]:
    level = details.sci_level
    if level not in SCI_LEVELS:
        return []
    allowed = [(c, r) for c in found if c.category == "sci" and (r := sci_levels_for_code(c.code))]
    if not allowed:
        return []
    here = _level_index(level)
    if any(_level_index(first) <= here <= _level_index(last) for _, (_, first, last) in allowed):
        return []
    code, (part, first, last) = allowed[0]
    span = first if first == last else f"from {first} to {last}"
    if code.code[:5] in ("S14.7", "S24.7", "S34.7") and sci_levels_for_icd10(code.code):
        because = f"{code.code} ({code.title}) names the level {span}"
    else:
        because = (
            f"{code.code} ({code.title}) is an injury of the {part} cord, "
            f"whose neurological level is {span}"
        )
    return [
        InjuryProblem(
            "sci_level",
            f"The neurological level {level} does not fit the ICD-10 code: {because}. "
            "Correct the level or the code.",
        )
    ]


_GCS_BANDS: Final[dict[str, str]] = {"mild": "13 to 15", "moderate": "9 to 12", "severe": "3 to 8"}
_PTA_BANDS: Final[dict[str, str]] = {
    "mild": "a day or less",
    "moderate": "2 to 7 days",
    "severe": "more than 7 days",
}


def _tbi_problems(details: InjuryDetails) -> list[InjuryProblem]:
    from alongside.core.codes.injury import tbi_severity_from_gcs

    severity = details.tbi_severity
    if severity not in TBI_SEVERITIES:
        return []
    rank = TBI_SEVERITIES.index(severity)
    problems: list[InjuryProblem] = []
    if details.gcs is not None and 3 <= details.gcs <= 15:
        shown = tbi_severity_from_gcs(details.gcs)
        if TBI_SEVERITIES.index(shown) > rank:
            problems.append(
                InjuryProblem(
                    "tbi_severity",
                    f"A {severity} brain injury has a lowest Glasgow Coma Scale score of "
                    f"{_GCS_BANDS[severity]}; a score of {details.gcs} means a {shown} injury. "
                    "Correct the severity or the score.",
                )
            )
    if details.pta_days is not None and details.pta_days >= 0:
        shown = tbi_severity_from_pta(details.pta_days)
        if TBI_SEVERITIES.index(shown) > rank:
            days = "1 day" if details.pta_days == 1 else f"{details.pta_days} days"
            problems.append(
                InjuryProblem(
                    "tbi_severity",
                    f"A {severity} brain injury has post-traumatic amnesia of "
                    f"{_PTA_BANDS[severity]}; {days} means a {shown} injury. "
                    "Correct the severity or the days of amnesia.",
                )
            )
    return problems


def _amputation_problems(details: InjuryDetails, found: list[InjuryCode]) -> list[InjuryProblem]:
    problems: list[InjuryProblem] = []
    codes = [c for c in found if c.category == "amputation"]
    site = details.amputation_site
    regions = [(c, r) for c in codes if (r := amputation_sites_for_code(c.code))]
    if site and regions and not any(site in sites for _, (_, sites) in regions):
        try:
            site_title = amputation_site(site).title
        except ValueError:
            site_title = ""
        if site_title:
            code, (region, sites) = regions[0]
            fits = " or ".join(amputation_site(s).title.lower() for s in sites)
            problems.append(
                InjuryProblem(
                    "amputation_site",
                    f"{site_title} does not fit the ICD-10 code: {code.code} ({code.title}) is "
                    f"an amputation of {region} ({fits}). Correct the site or the code.",
                )
            )
    several = [c for c in codes if c.code.startswith(_SEVERAL_LIMBS)]
    if several and details.amputation_laterality in ("left", "right"):
        code = several[0]
        problems.append(
            InjuryProblem(
                "amputation_laterality",
                f"{code.code} ({code.title}) is an amputation of more than one limb, so the "
                f"side cannot be the {details.amputation_laterality} only: choose both sides "
                "or more than one limb.",
            )
        )
    return problems
