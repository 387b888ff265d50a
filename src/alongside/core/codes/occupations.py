"""Occupation classifications: ISCO-08, ANZSCO v1.2 and UK SOC 2020.

The groups and titles are the owners' own, read from ``data/occupations-*.csv``,
which ``build_occupations.py`` converts from the structures the ILO, the ABS
and the ONS publish (sources and licences in docs/codes.md). A well-formed
code that is not in the owner's structure is not a code, and is refused.

Each classification is a digit hierarchy in which a code's first digits are
its parent groups, so the length of the common prefix of two codes tells how
far up the tree they meet:

=============  ======  =========  =====  ==========  ==========
classification major   sub-major  minor  unit group  occupation
=============  ======  =========  =====  ==========  ==========
ISCO-08        1       2          3      4           -
ANZSCO         1       2          3      4           6
SOC 2020       1       2          3      4           -
=============  ======  =========  =====  ==========  ==========

so one prefix rule gives "same unit group > minor > sub-major > major" for
all three (ANZSCO's fifth digit is not a level and is ignored).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from importlib import resources
from typing import Final


def _load(classification_id: str) -> dict[str, str]:
    """code -> title, every level, from the file shipped in the package."""
    data = resources.files("alongside.core.codes").joinpath(
        f"data/occupations-{classification_id}.csv"
    )
    text = data.read_text(encoding="utf-8")
    return {row["code"]: row["title"] for row in csv.DictReader(io.StringIO(text, newline=""))}


@dataclass(frozen=True)
class OccupationClassification:
    """One occupation classification; see the module docstring for levels."""

    id: str
    name: str
    short_name: str
    level_lengths: tuple[int, ...]
    level_names: tuple[str, ...]
    owner: str
    titles: dict[str, str] = field(repr=False, compare=False, hash=False)

    def validate(self, code: str) -> str:
        """Return the code without spaces, or raise ValueError naming the problem."""
        compact = str(code).strip().replace(" ", "")
        if not compact.isdigit() or not compact.isascii():
            # Typed as words (no JavaScript, so no look-up list): name the likely codes.
            hits = self.search(str(code), 3)
            hint = "; ".join(f"{c} {t}" for c, t, _ in hits)
            raise ValueError(
                f"{code!r} is not a {self.name} code: use digits only"
                + (f" (codes whose titles match: {hint})" if hint else "")
            )
        if len(compact) not in self.level_lengths:
            lengths = " or ".join(str(n) for n in self.level_lengths)
            raise ValueError(f"{compact} is not a {self.name} code: expected {lengths} digits")
        if compact not in self.titles:
            raise ValueError(
                f"{self.name} has no group {compact} (checked against the structure "
                f"the {self.owner} publishes)"
            )
        return compact

    def title(self, code: str) -> str:
        """The owner's title of a group at any level."""
        return self.titles[self.validate(code)]

    def label(self, code: str) -> str:
        """ "Building and related electricians (ISCO 7411)", for reasons and lists."""
        valid = self.validate(code)
        return f"{self.titles[valid]} ({self.short_name} {valid})"

    def major_group(self, code: str) -> str:
        return self.validate(code)[0]

    def level_name(self, code: str) -> str:
        """ "major group", "unit group", ... for a code of this length."""
        return self.level_names[self.level_lengths.index(len(self.validate(code)))]

    def list_codes(self, level: str | None = None) -> list[tuple[str, str]]:
        """(code, title) pairs sorted by code; the most detailed level by default."""
        wanted = self.level_lengths[-1] if level is None else self._length_of(level)
        return sorted((c, t) for c, t in self.titles.items() if len(c) == wanted)

    def search(self, query: str, limit: int = 12) -> list[tuple[str, str, str]]:
        """(code, title, level name) of the groups a look-up box offers for ``query``:
        a code's first digits, or words of the title ("electrician" finds 3411
        Electricians). Titles that start with the words come first, then unit groups
        (the level matching uses) before the other levels, then by code."""
        text = " ".join(str(query).lower().split())
        if not text:
            return []
        compact = text.replace(" ", "")
        if compact.isdigit():
            hits = [c for c in self.titles if c.startswith(compact)]
            hits.sort(key=lambda c: (len(c) != len(compact), len(c), c))
        else:
            words = text.split()
            hits = [c for c, t in self.titles.items() if all(w in t.lower() for w in words)]
            preferred = {length: rank for rank, length in enumerate(self._search_levels())}
            hits.sort(
                key=lambda c: (
                    not self.titles[c].lower().startswith(text.rstrip("s")),
                    preferred[len(c)],
                    c,
                )
            )
        return [(c, self.titles[c], self.level_name(c)) for c in hits[:limit]]

    def _search_levels(self) -> tuple[int, ...]:
        # Unit groups first, then the finer occupations (ANZSCO), then up the tree.
        unit = self.level_lengths[3]
        finer = tuple(n for n in self.level_lengths if n > unit)
        coarser = tuple(n for n in reversed(self.level_lengths) if n < unit)
        return (unit, *finer, *coarser)

    def shared_levels(self, a: str, b: str) -> int:
        """How many hierarchy levels two codes share (0 = different major group)."""
        prefix = _common_prefix_length(self.validate(a), self.validate(b))
        return sum(1 for length in self.level_lengths if length <= prefix)

    def similarity(self, a: str, b: str) -> float:
        """Shared levels as a fraction of the deeper code's depth, in [0, 1]."""
        depth = max(self._depth(a), self._depth(b))
        return self.shared_levels(a, b) / depth

    def _depth(self, code: str) -> int:
        return self.level_lengths.index(len(self.validate(code))) + 1

    def _length_of(self, level: str) -> int:
        try:
            return self.level_lengths[self.level_names.index(level)]
        except ValueError:
            raise ValueError(f"{level!r} is not a level of {self.name}") from None


def _common_prefix_length(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


_FOUR_LEVELS = ("major group", "sub-major group", "minor group", "unit group")

ISCO08: Final = OccupationClassification(
    "isco08", "ISCO-08", "ISCO", (1, 2, 3, 4), _FOUR_LEVELS, "ILO", _load("isco08")
)
ANZSCO: Final = OccupationClassification(
    "anzsco",
    "ANZSCO",
    "ANZSCO",
    (1, 2, 3, 4, 6),
    _FOUR_LEVELS + ("occupation",),
    "ABS",
    _load("anzsco"),
)
SOC2020: Final = OccupationClassification(
    "soc2020", "UK SOC 2020", "SOC", (1, 2, 3, 4), _FOUR_LEVELS, "ONS", _load("soc2020")
)
CLASSIFICATIONS: Final[dict[str, OccupationClassification]] = {
    c.id: c for c in (ISCO08, ANZSCO, SOC2020)
}


def classification(classification_id: str) -> OccupationClassification:
    try:
        return CLASSIFICATIONS[classification_id]
    except KeyError:
        known = ", ".join(CLASSIFICATIONS)
        raise ValueError(
            f"{classification_id!r} is not an occupation classification: expected one of {known}"
        ) from None
