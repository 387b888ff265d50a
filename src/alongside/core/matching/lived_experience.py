"""How alike two injuries are in what they mean for a life and a job.

Closeness tables between injury details, and the words a clinician would use
for them. The scalar similarity functions and the vectorised pool both read
these tables, so the two cannot drift apart.

Spinal cord injury. Function, not segment count, decides closeness:

- tetraplegia (C1-C8) or paraplegia (T1 and below): the C8/T1 boundary;
- functional bands: C1-4 (ventilation, no arm function), C5-6 (shoulder and
  elbow flexion, wrist extension at C6), C7-T1 (elbow extension and hand
  function), T2-6 (no trunk control), T7-12 (some trunk control), L1-S4-5
  (hip and leg function, walking possible);
- completeness by ASIA Impairment Scale group: A (complete), B (sensory
  incomplete), C (motor incomplete), D-E (functional motor).

Amputation: the level within the limb in functional groups (a partial-foot
amputation keeps the ankle and needs no prosthetic socket below the knee; a
transtibial one does), then laterality (left, right, both sides, more than one
limb).
"""

from __future__ import annotations

from typing import Final

from alongside.core.codes.injury import AMPUTATION_SITES, ASIA_GRADES, SCI_LEVELS

# --- Spinal cord injury --------------------------------------------------------

SCI_BANDS: Final[tuple[tuple[str, tuple[str, ...]], ...]] = (
    ("C1–4", ("C1", "C2", "C3", "C4")),
    ("C5–6", ("C5", "C6")),
    ("C7–T1", ("C7", "C8", "T1")),
    ("T2–6", ("T2", "T3", "T4", "T5", "T6")),
    ("T7–12", ("T7", "T8", "T9", "T10", "T11", "T12")),
    ("L1–S4-5", ("L1", "L2", "L3", "L4", "L5", "S1", "S2", "S3", "S4", "S5")),
)
_BAND_OF: Final[dict[str, str]] = {level: band for band, levels in SCI_BANDS for level in levels}
assert set(_BAND_OF) == set(SCI_LEVELS), "every neurological level has a functional band"

# Share of the level closeness given by each functional fact; the rest is by segments apart.
SAME_BAND, SAME_PLEGIA, SEGMENTS = 0.5, 0.3, 0.2
SCI_SEGMENT_SPAN = 8

AIS_GROUPS: Final[tuple[tuple[str, ...], ...]] = (("A",), ("B",), ("C",), ("D", "E"))
_AIS_GROUP_OF: Final[dict[str, int]] = {g: i for i, group in enumerate(AIS_GROUPS) for g in group}
AIS_WORDS: Final[dict[str, str]] = {
    "A": "complete",
    "B": "sensory incomplete",
    "C": "motor incomplete",
    "D": "motor incomplete",
    "E": "",  # normal function: no "-plegia" words for it
}


def sci_band(level: str) -> str:
    return _BAND_OF[level]


def sci_plegia(level: str) -> str:
    return "tetraplegia" if level.startswith("C") else "paraplegia"


def sci_level_closeness(a: str, b: str) -> float:
    """1 for the same level; function (band, tetra/para) weighs more than segments apart."""
    i, j = SCI_LEVELS.index(a), SCI_LEVELS.index(b)
    segments = max(0.0, 1.0 - abs(i - j) / SCI_SEGMENT_SPAN)
    return (
        SAME_BAND * (sci_band(a) == sci_band(b))
        + SAME_PLEGIA * (sci_plegia(a) == sci_plegia(b))
        + SEGMENTS * segments
    )


def ais_closeness(a: str, b: str) -> float:
    """Same AIS group 1, adjacent group 0.5, further 0."""
    return max(0.0, 1.0 - abs(_AIS_GROUP_OF[a] - _AIS_GROUP_OF[b]) / 2)


SCI_LEVEL_TABLE: Final[tuple[tuple[float, ...], ...]] = tuple(
    tuple(sci_level_closeness(a, b) for b in SCI_LEVELS) for a in SCI_LEVELS
)
AIS_TABLE: Final[tuple[tuple[float, ...], ...]] = tuple(
    tuple(ais_closeness(a, b) for b in ASIA_GRADES) for a in ASIA_GRADES
)


def sci_words(level: str | None, grade: str | None) -> str:
    """As a clinician writes it: "C5–6 complete tetraplegia (AIS A)"."""
    completeness = AIS_WORDS[grade] if grade else ""
    if level and grade != "E":
        body = f"{sci_band(level)} {completeness} {sci_plegia(level)}"
    elif level:
        body = f"{sci_band(level)} spinal cord injury"
    else:
        body = f"{completeness} spinal cord injury"
    text = " ".join(body.split())
    return text + (f" (AIS {grade})" if grade else "")


# --- Amputation -------------------------------------------------------------------

# Functional groups within each limb, distal to proximal.
AMPUTATION_GROUPS: Final[dict[str, int]] = {
    "partial_hand": 0,
    "wrist": 0,
    "transradial": 1,
    "elbow": 2,
    "transhumeral": 2,
    "shoulder": 3,
    "partial_foot": 0,
    "ankle": 0,
    "transtibial": 1,
    "knee": 2,
    "transfemoral": 2,
    "hip": 3,
}
assert set(AMPUTATION_GROUPS) == {s.id for s in AMPUTATION_SITES}
SAME_GROUP, ADJACENT_GROUP, SAME_LIMB = 0.75, 0.35, 0.1


def amputation_site_closeness(a: str, b: str) -> float:
    """Same site 1; same functional group 0.75; adjacent group 0.35; same limb 0.1; else 0."""
    if a == b:
        return 1.0
    sites = {s.id: s for s in AMPUTATION_SITES}
    if sites[a].limb != sites[b].limb:
        return 0.0
    gap = abs(AMPUTATION_GROUPS[a] - AMPUTATION_GROUPS[b])
    return SAME_GROUP if gap == 0 else ADJACENT_GROUP if gap == 1 else SAME_LIMB


AMPUTATION_SITE_IDS: Final[tuple[str, ...]] = tuple(s.id for s in AMPUTATION_SITES)
AMPUTATION_TABLE: Final[tuple[tuple[float, ...], ...]] = tuple(
    tuple(amputation_site_closeness(a, b) for b in AMPUTATION_SITE_IDS) for a in AMPUTATION_SITE_IDS
)

LATERALITIES: Final[dict[str, str]] = {
    "left": "left",
    "right": "right",
    "bilateral": "both sides",
    "multiple": "more than one limb",
}
_LATERALITY_IDS: Final[tuple[str, ...]] = tuple(LATERALITIES)


def laterality_closeness(a: str, b: str) -> float:
    """Same 1; left and right 0.5; both sides and several limbs 0.5; one limb and more 0."""
    if a == b:
        return 1.0
    one_limb = {"left", "right"}
    if (a in one_limb) == (b in one_limb):
        return 0.5
    return 0.0


LATERALITY_TABLE: Final[tuple[tuple[float, ...], ...]] = tuple(
    tuple(laterality_closeness(a, b) for b in _LATERALITY_IDS) for a in _LATERALITY_IDS
)


def laterality_index(value: str | None) -> int:
    key = (value or "").strip().lower()
    return _LATERALITY_IDS.index(key) if key in _LATERALITY_IDS else -1


# --- Cause of injury ----------------------------------------------------------------

# The patients app's ``Mechanism`` vocabulary; mentors record theirs in the same words.
MECHANISMS: Final[dict[str, str]] = {
    "road_vehicle": "a road crash as a vehicle occupant",
    "road_motorcycle": "a motorcycle crash",
    "road_cyclist": "a crash while cycling",
    "road_pedestrian": "being hit by a vehicle as a pedestrian",
    "fall_height": "a fall from height",
    "fall_low": "a fall from standing or low height",
    "struck": "being struck by an object or machinery",
    "sport": "sport or recreation",
    "assault": "an assault",
    "other": "",  # "other" is not a shared experience worth a sentence
}
MECHANISM_IDS: Final[tuple[str, ...]] = tuple(MECHANISMS)


def mechanism_index(value: str | None) -> int:
    key = (value or "").strip().lower()
    return MECHANISM_IDS.index(key) if key in MECHANISM_IDS else -1


# Share of the injury details given to each detail (the rest of the score is the category).
DETAIL_WEIGHTS: Final[dict[str, dict[str, float]]] = {
    "sci": {"level": 0.45, "ais": 0.35, "cause": 0.2},
    "amputation": {"site": 0.6, "laterality": 0.25, "cause": 0.15},
    "tbi": {"severity": 0.8, "cause": 0.2},
    "ortho": {"fracture": 0.8, "cause": 0.2},
}

# --- The mentor's return to work ------------------------------------------------------

RTW_EMPLOYERS: Final[dict[str, str]] = {
    "same": "the same employer",
    "different": "a different employer",
    "self_employed": "self-employment",
    "study": "study",
}
