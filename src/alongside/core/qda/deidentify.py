"""Candidates for de-identification, for an analyst to confirm before coding starts.

This only proposes: a person decides what is identifying and what the
placeholder is. It therefore prefers false alarms to misses (any
capitalised word after "in"/"at"/"from" is offered as a place), and it uses
the names Alongside already knows (participants, staff, relatives on the
record) because no pattern finds "Dave" reliably.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate

import phonenumbers

from alongside.core.qda.project import QdaError

KINDS = ("name", "place", "date", "phone", "email")
# The services Alongside was built for are in Australia and the UK; numbers
# in international format are found whatever the region.
DEFAULT_REGIONS = ("AU", "GB")


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    kind: str  # one of KINDS
    text: str


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_DAY = r"(?:[0-3]?\d(?:st|nd|rd|th)?)"
_DATE_PATTERNS = [
    r"\b\d{4}-\d{1,2}-\d{1,2}\b",  # ISO
    r"\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b",  # 3/4/2024, 03.04.24
    rf"\b{_DAY}(?: of)? {_MONTH}(?:,? \d{{4}})?\b",  # 3 March 2024, 3rd of March
    rf"\b{_MONTH} {_DAY}(?:,? \d{{4}})?\b",  # March 3, 2024
    rf"\b{_MONTH} \d{{4}}\b",  # March 2024
    rf"\b(?:(?:last|next|on|this) )?{_WEEKDAY}\b",
    r"\b(?:19|20)\d{2}\b",  # a year on its own narrows down an injury a lot
]
_DATE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS))
# A month on its own only after a word that makes it a date ("in May", not "you may").
_LONE_MONTH = re.compile(rf"\b(?:in|since|until|till|by|last|next|early|late) (?P<m>{_MONTH})\b")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_CAPITALISED = r"[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+)*"
_TITLED_NAME = re.compile(
    rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Doctor|Prof|Professor|Nurse|Sister)\.? (?P<who>{_CAPITALISED})"
)
_RELATIVE_NAME = re.compile(
    r"\b(?i:my|his|her|their|our) (?:wife|husband|partner|son|daughter|brother|sister|mum|mother"
    r"|dad|father|mate|friend|boss|manager|mentor|kid|child|girlfriend|boyfriend|neighbour)"
    rf",? (?P<who>{_CAPITALISED})"
    rf"|\b(?:called|named|name is|name's) (?P<who2>{_CAPITALISED})"
)
_PLACE_SUFFIX = re.compile(
    rf"\b{_CAPITALISED} (?:Hospital|Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Ward|Clinic|Centre"
    r"|Center|Park|Station|School|College|University|Council|Beach|Mall|Plaza)\b"
)
_PLACE_AFTER = re.compile(rf"\b(?:in|at|from|near|to|around|outside) (?P<where>{_CAPITALISED})")
_POSTCODE = re.compile(
    r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b"  # UK
    r"|\b(?:VIC|NSW|QLD|SA|WA|TAS|NT|ACT) \d{4}\b"  # Australia, state then postcode
)
# Capitalised words after a preposition that are not places.
_NOT_PLACES = {
    "I",
    "I'm",
    "I've",
    "The",
    "A",
    "An",
    "It",
    "That",
    "This",
    "We",
    "You",
    "He",
    "She",
    "They",
    "Christmas",
    "Easter",
    "Work",
    "Home",
    "Mum",
    "Dad",
    "God",
}


def identifying_candidates(
    text: str,
    known_names: Iterable[str] = (),
    *,
    known_places: Iterable[str] = (),
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> list[Candidate]:
    """Spans that may identify someone, in text order, never overlapping.

    Where two findings overlap the longer one wins (then the earlier), so
    "Dr Sarah Jones" is one name rather than a title plus two names.
    """
    found: list[tuple[int, int, str]] = []
    for match in _EMAIL.finditer(text):
        found.append((match.start(), match.end(), "email"))
    for region in regions:
        for number in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        ):
            found.append((number.start, number.end, "phone"))
    for match in _DATE.finditer(text):
        found.append((match.start(), match.end(), "date"))
    for match in _LONE_MONTH.finditer(text):
        found.append((match.start("m"), match.end("m"), "date"))
    for match in _TITLED_NAME.finditer(text):
        found.append((match.start(), match.end(), "name"))
    for match in _RELATIVE_NAME.finditer(text):
        group = "who" if match.group("who") else "who2"
        found.append((match.start(group), match.end(group), "name"))
    found += _known(text, _name_parts(known_names), "name")
    found += _known(text, [p for p in known_places if p.strip()], "place")
    for match in _PLACE_SUFFIX.finditer(text):
        found.append((match.start(), match.end(), "place"))
    for match in _POSTCODE.finditer(text):
        found.append((match.start(), match.end(), "place"))
    for match in _PLACE_AFTER.finditer(text):
        where = match.group("where").split(" ")
        # "at The Alfred" is a place; "at The" alone is not.
        if where[0] not in _NOT_PLACES or (where[0] == "The" and len(where) > 1):
            found.append((match.start("where"), match.end("where"), "place"))
    chosen: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(chosen):
        # "Dave" + "Smith" found separately are one name to replace.
        if merged and kind == merged[-1][2] == "name" and text[merged[-1][1] : start] == " ":
            merged[-1] = (merged[-1][0], end, kind)
        else:
            merged.append((start, end, kind))
    return [Candidate(s, e, k, text[s:e]) for s, e, k in merged]


def _name_parts(names: Iterable[str]) -> list[str]:
    """Full names and their parts: transcripts say "Dave", records say "David Smith"."""
    parts: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        parts.add(name)
        parts.update(part for part in name.split(" ") if len(part) > 1)
    return sorted(parts, key=len, reverse=True)


def _known(text: str, needles: Iterable[str], kind: str) -> list[tuple[int, int, str]]:
    found = []
    for needle in needles:
        pattern = re.compile(rf"(?<!\w){re.escape(needle)}(?!\w)", re.IGNORECASE)
        found += [(m.start(), m.end(), kind) for m in pattern.finditer(text)]
    return found


class OffsetMap:
    """Moves offsets in the old text to the new one after replace_spans.

    An offset strictly inside a replaced span maps to the start of its
    placeholder (a single offset cannot be "inside" a placeholder in any
    useful sense); use ``span`` for spans, which keeps the whole placeholder
    rather than cutting it.
    """

    def __init__(self, replacements: Sequence[tuple[int, int, str]]) -> None:
        self._starts = [s for s, _, _ in replacements]
        self._ends = [e for _, e, _ in replacements]
        self._lengths = [len(r) for _, _, r in replacements]
        self._shift = list(accumulate(len(r) - (e - s) for s, e, r in replacements))

    def _before(self, i: int) -> int:
        return self._shift[i - 1] if i > 0 else 0

    def __call__(self, offset: int) -> int:
        done = bisect_right(self._ends, offset)  # replacements wholly before the offset
        if done < len(self._starts) and self._starts[done] < offset:
            return self._starts[done] + self._before(done)
        return offset + self._before(done)

    def span(self, start: int, end: int) -> tuple[int, int]:
        new_start = self(start)
        done = bisect_right(self._ends, end)
        if done < len(self._starts) and self._starts[done] < end:
            # The span ends inside a placeholder: take all of it.
            return new_start, self._starts[done] + self._before(done) + self._lengths[done]
        return new_start, end + self._before(done)


def replace_spans(text: str, replacements: Sequence[tuple[int, int, str]]) -> tuple[str, OffsetMap]:
    """``text`` with each (start, end) replaced, and a map moving existing offsets to match.

    Replacements may come in any order but must not overlap: two placeholders
    for one piece of text is a mistake the analyst should see.
    """
    ordered = sorted(replacements)
    for start, end, _ in ordered:
        if not 0 <= start < end <= len(text):
            raise QdaError(
                f"The replacement of {start}-{end} must start before it ends and lie within "
                f"the text's {len(text)} characters"
            )
    for (s1, e1, _), (s2, e2, _) in zip(ordered, ordered[1:], strict=False):
        if s2 < e1:
            raise QdaError(f"The replacements of {s1}-{e1} and {s2}-{e2} overlap")
    pieces: list[str] = []
    position = 0
    for start, end, replacement in ordered:
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), OffsetMap(ordered)
