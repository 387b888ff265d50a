"""Injury detail scales: SCI level and ASIA grade, TBI severity, amputation site."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Neurological levels from the International Standards for Neurological
# Classification of SCI, in head-to-tail order so index distance means
# "how many segments apart".
SCI_LEVELS: Final[tuple[str, ...]] = (
    tuple(f"C{n}" for n in range(1, 9))
    + tuple(f"T{n}" for n in range(1, 13))
    + tuple(f"L{n}" for n in range(1, 6))
    + tuple(f"S{n}" for n in range(1, 6))
)
_SCI_INDEX: Final[dict[str, int]] = {level: i for i, level in enumerate(SCI_LEVELS)}

# ASIA Impairment Scale, A (complete) to E (normal function).
ASIA_GRADES: Final[tuple[str, ...]] = ("A", "B", "C", "D", "E")

# Ordered least to most severe.
TBI_SEVERITIES: Final[tuple[str, ...]] = ("mild", "moderate", "severe")


@dataclass(frozen=True)
class AmputationSite:
    id: str
    title: str
    limb: str  # "upper" or "lower"
    level: int  # 1 = most distal; larger = closer to the trunk


AMPUTATION_SITES: Final[tuple[AmputationSite, ...]] = (
    AmputationSite("partial_hand", "Partial hand or finger(s)", "upper", 1),
    AmputationSite("wrist", "Wrist disarticulation", "upper", 2),
    AmputationSite("transradial", "Below elbow (transradial)", "upper", 3),
    AmputationSite("elbow", "Elbow disarticulation", "upper", 4),
    AmputationSite("transhumeral", "Above elbow (transhumeral)", "upper", 5),
    AmputationSite("shoulder", "Shoulder disarticulation", "upper", 6),
    AmputationSite("partial_foot", "Partial foot or toe(s)", "lower", 1),
    AmputationSite("ankle", "Ankle disarticulation (Syme)", "lower", 2),
    AmputationSite("transtibial", "Below knee (transtibial)", "lower", 3),
    AmputationSite("knee", "Knee disarticulation", "lower", 4),
    AmputationSite("transfemoral", "Above knee (transfemoral)", "lower", 5),
    AmputationSite("hip", "Hip disarticulation", "lower", 6),
)
_AMPUTATION_BY_ID: Final[dict[str, AmputationSite]] = {s.id: s for s in AMPUTATION_SITES}


def validate_sci_level(level: str) -> str:
    canonical = str(level).strip().upper()
    if canonical not in _SCI_INDEX:
        raise ValueError(
            f"{level!r} is not a neurological level: expected C1-C8, T1-T12, L1-L5 or S1-S5"
        )
    return canonical


def sci_level_index(level: str) -> int:
    return _SCI_INDEX[validate_sci_level(level)]


def sci_level_distance(a: str, b: str) -> int:
    """Number of segments between two neurological levels (C8 to T1 is 1)."""
    return abs(sci_level_index(a) - sci_level_index(b))


def validate_asia_grade(grade: str) -> str:
    canonical = str(grade).strip().upper()
    if canonical not in ASIA_GRADES:
        raise ValueError(
            f"{grade!r} is not an ASIA Impairment Scale grade: expected A, B, C, D or E"
        )
    return canonical


def tbi_severity_from_gcs(gcs: int) -> str:
    """Glasgow Coma Scale 13-15 mild, 9-12 moderate, 3-8 severe."""
    if isinstance(gcs, bool) or not isinstance(gcs, int) or not 3 <= gcs <= 15:
        raise ValueError(
            f"Glasgow Coma Scale score must be a whole number from 3 to 15, got {gcs!r}"
        )
    if gcs >= 13:
        return "mild"
    return "moderate" if gcs >= 9 else "severe"


def validate_tbi_severity(severity: str) -> str:
    canonical = str(severity).strip().lower()
    if canonical not in TBI_SEVERITIES:
        raise ValueError(f"{severity!r} is not a TBI severity: expected mild, moderate or severe")
    return canonical


def amputation_site(site_id: str) -> AmputationSite:
    try:
        return _AMPUTATION_BY_ID[str(site_id).strip().lower()]
    except KeyError:
        known = ", ".join(_AMPUTATION_BY_ID)
        raise ValueError(
            f"{site_id!r} is not an amputation site: expected one of {known}"
        ) from None


# The Injury Severity Score is the sum of the squares of the three highest
# Abbreviated Injury Scale grades (0-5) of different body regions, and 75 when
# any injury is graded 6 (unsurvivable). So only some numbers from 1 to 75 are
# scores at all: 7, 15, 23 ... are not.
ISS_VALUES: Final[frozenset[int]] = frozenset(
    a * a + b * b + c * c for a in range(6) for b in range(6) for c in range(6)
) - {0} | {75}


def validate_iss(value: object) -> int:
    """The score as an int, or ValueError saying why it cannot be an ISS."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"The Injury Severity Score must be a whole number, got {value!r}")
    if not 1 <= value <= 75:
        raise ValueError("The Injury Severity Score must be from 1 to 75.")
    if value not in ISS_VALUES:
        below = max(v for v in ISS_VALUES if v < value)
        above = min(v for v in ISS_VALUES if v > value)
        raise ValueError(
            f"{value} is not a possible Injury Severity Score: it is the sum of the squares "
            f"of three AIS grades from 0 to 5 (the nearest scores are {below} and {above})."
        )
    return value
