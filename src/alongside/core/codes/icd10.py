"""ICD-10 (WHO) codes for the traumatic injuries Alongside serves.

Spinal cord, intracranial (TBI) and traumatic amputation codes are listed in
full at the level the product documents name. Multi-trauma orthopaedic
injury has no fixed ICD-10 list, so a modest set of common fracture
categories is included; a service can ask for more to be added here.

National modifications (ICD-10-AM, ICD-10-CM, ICD-10-GM) add characters after
the WHO code (S06.21, S06.5X0A). Such a code is accepted when a known WHO code
is its prefix, and takes that code's title and category.
"""

from __future__ import annotations

import re
from typing import Final

INJURY_CATEGORIES: Final[dict[str, str]] = {
    "sci": "spinal cord injury",
    "tbi": "traumatic brain injury",
    "ortho": "multi-trauma orthopaedic injury",
    "amputation": "traumatic amputation",
}

# code -> (short English title, injury category)
_CODES: Final[dict[str, tuple[str, str]]] = {
    # Spinal cord injury
    "S14.0": ("Concussion and oedema of cervical spinal cord", "sci"),
    "S14.1": ("Other and unspecified injuries of cervical spinal cord", "sci"),
    "S24.0": ("Concussion and oedema of thoracic spinal cord", "sci"),
    "S24.1": ("Other and unspecified injuries of thoracic spinal cord", "sci"),
    "S34.0": ("Concussion and oedema of lumbar spinal cord", "sci"),
    "S34.1": ("Other injury of lumbar spinal cord", "sci"),
    "S34.3": ("Injury of cauda equina", "sci"),
    # Traumatic brain injury (intracranial injury)
    "S06": ("Intracranial injury", "tbi"),
    "S06.0": ("Concussion", "tbi"),
    "S06.1": ("Traumatic cerebral oedema", "tbi"),
    "S06.2": ("Diffuse brain injury", "tbi"),
    "S06.3": ("Focal brain injury", "tbi"),
    "S06.4": ("Epidural haemorrhage", "tbi"),
    "S06.5": ("Traumatic subdural haemorrhage", "tbi"),
    "S06.6": ("Traumatic subarachnoid haemorrhage", "tbi"),
    "S06.7": ("Intracranial injury with prolonged coma", "tbi"),
    "S06.8": ("Other intracranial injuries", "tbi"),
    "S06.9": ("Intracranial injury, unspecified", "tbi"),
    # Traumatic amputation
    "S48": ("Traumatic amputation of shoulder and upper arm", "amputation"),
    "S48.0": ("Traumatic amputation at shoulder joint", "amputation"),
    "S48.1": ("Traumatic amputation between shoulder and elbow", "amputation"),
    "S48.9": ("Traumatic amputation of shoulder and upper arm, level unspecified", "amputation"),
    "S58": ("Traumatic amputation of forearm", "amputation"),
    "S58.0": ("Traumatic amputation at elbow level", "amputation"),
    "S58.1": ("Traumatic amputation between elbow and wrist", "amputation"),
    "S58.9": ("Traumatic amputation of forearm, level unspecified", "amputation"),
    "S68": ("Traumatic amputation of wrist and hand", "amputation"),
    "S68.0": ("Traumatic amputation of thumb (complete)(partial)", "amputation"),
    "S68.1": ("Traumatic amputation of other single finger (complete)(partial)", "amputation"),
    "S68.2": ("Traumatic amputation of two or more fingers alone", "amputation"),
    "S68.3": (
        "Combined traumatic amputation of finger(s) with other parts of wrist and hand",
        "amputation",
    ),
    "S68.4": ("Traumatic amputation of hand at wrist level", "amputation"),
    "S68.8": ("Traumatic amputation of other parts of wrist and hand", "amputation"),
    "S68.9": ("Traumatic amputation of wrist and hand, level unspecified", "amputation"),
    "S78": ("Traumatic amputation of hip and thigh", "amputation"),
    "S78.0": ("Traumatic amputation at hip joint", "amputation"),
    "S78.1": ("Traumatic amputation at level between hip and knee", "amputation"),
    "S78.9": ("Traumatic amputation of hip and thigh, level unspecified", "amputation"),
    "S88": ("Traumatic amputation of lower leg", "amputation"),
    "S88.0": ("Traumatic amputation at knee level", "amputation"),
    "S88.1": ("Traumatic amputation at level between knee and ankle", "amputation"),
    "S88.9": ("Traumatic amputation of lower leg, level unspecified", "amputation"),
    "S98": ("Traumatic amputation of ankle and foot", "amputation"),
    "S98.0": ("Traumatic amputation of foot at ankle level", "amputation"),
    "S98.1": ("Traumatic amputation of one toe", "amputation"),
    "S98.2": ("Traumatic amputation of two or more toes", "amputation"),
    "S98.3": ("Traumatic amputation of other parts of foot", "amputation"),
    "S98.4": ("Traumatic amputation of foot, level unspecified", "amputation"),
    # Multi-trauma orthopaedic injury: common fracture categories
    "S12": ("Fracture of neck", "ortho"),
    "S22": ("Fracture of rib(s), sternum and thoracic spine", "ortho"),
    "S22.0": ("Fracture of thoracic vertebra", "ortho"),
    "S22.4": ("Multiple fractures of ribs", "ortho"),
    "S32": ("Fracture of lumbar spine and pelvis", "ortho"),
    "S32.0": ("Fracture of lumbar vertebra", "ortho"),
    "S32.1": ("Fracture of sacrum", "ortho"),
    "S32.4": ("Fracture of acetabulum", "ortho"),
    "S32.5": ("Fracture of pubis", "ortho"),
    "S32.7": ("Multiple fractures of lumbar spine and pelvis", "ortho"),
    "S42": ("Fracture of shoulder and upper arm", "ortho"),
    "S42.0": ("Fracture of clavicle", "ortho"),
    "S42.2": ("Fracture of upper end of humerus", "ortho"),
    "S42.3": ("Fracture of shaft of humerus", "ortho"),
    "S52": ("Fracture of forearm", "ortho"),
    "S62": ("Fracture at wrist and hand level", "ortho"),
    "S72": ("Fracture of femur", "ortho"),
    "S72.0": ("Fracture of neck of femur", "ortho"),
    "S72.3": ("Fracture of shaft of femur", "ortho"),
    "S82": ("Fracture of lower leg, including ankle", "ortho"),
    "S82.1": ("Fracture of upper end of tibia", "ortho"),
    "S82.2": ("Fracture of shaft of tibia", "ortho"),
    "S92": ("Fracture of foot, except ankle", "ortho"),
    "T02": ("Fractures involving multiple body regions", "ortho"),
}

_FORMAT = re.compile(r"^([A-Z])(\d{2})(?:\.?([0-9A-Z]{1,4}))?$")


def validate_icd10(code: str) -> str:
    """Return the code in canonical form (``S14.1``) or raise ValueError."""
    if not isinstance(code, str):
        raise ValueError("ICD-10 code must be text, such as S14.1")
    compact = code.strip().upper().replace(" ", "")
    match = _FORMAT.match(compact)
    if match is None:
        raise ValueError(
            f"{code.strip()!r} is not an ICD-10 code: expected a letter, two digits "
            "and an optional sub-code, such as S14.1"
        )
    letter, digits, rest = match.groups()
    canonical = f"{letter}{digits}" + (f".{rest}" if rest else "")
    if _known_prefix(canonical) is None:
        raise ValueError(
            f"{canonical} is not one of the traumatic injury codes Alongside knows "
            "(spinal cord S14/S24/S34, brain S06, amputation S48-S98, fractures)"
        )
    return canonical


def icd10_title(code: str) -> str:
    """Short English title of a known code."""
    return _CODES[_require_known(code)][0]


def injury_category_for_icd10(code: str) -> str:
    """One of ``sci``, ``tbi``, ``ortho``, ``amputation``."""
    return _CODES[_require_known(code)][1]


def list_icd10_codes(category: str | None = None) -> list[tuple[str, str]]:
    """(code, title) pairs, optionally for one injury category; for form choices."""
    return [
        (code, title)
        for code, (title, code_category) in _CODES.items()
        if category is None or code_category == category
    ]


def icd10_category_of(code: str) -> str:
    """The three-character ICD-10 category (``S82.2`` -> ``S82``)."""
    return validate_icd10(code)[:3]


def _require_known(code: str) -> str:
    known = _known_prefix(validate_icd10(code))
    assert known is not None  # validate_icd10 has already refused unknown codes
    return known


def _known_prefix(canonical: str) -> str | None:
    # Longest known WHO code that the (possibly national-extension) code starts with.
    for length in range(len(canonical), 2, -1):
        candidate = canonical[:length]
        if candidate in _CODES:
            return candidate
    return None
