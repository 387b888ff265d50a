"""What an instrument is: items, their possible answers, how they are scored.

The definitions themselves are data (``definitions/*.toml``, one file per
instrument); ``loading.py`` turns a file into these objects and refuses a file
that does not make sense, so a wrong cut-point can never reach a patient.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ScoringMethod = Literal["sum", "mean", "none"]
MissingRule = Literal["prorate", "invalid"]
ResponseKind = Literal["choice", "scale", "date", "text"]


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class ResponseSet:
    """The answers an item accepts.

    ``choice``: one of ``options``; ``scale``: a whole number from ``minimum`` to
    ``maximum`` (labels name the ends); ``date``: an ISO date; ``text``: free text.
    """

    id: str
    kind: ResponseKind
    options: tuple[Option, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    minimum_label: str = ""
    maximum_label: str = ""
    unit: str = ""
    max_length: int = 500

    @property
    def numeric(self) -> bool:
        return self.kind in ("choice", "scale")

    @property
    def lowest(self) -> int:
        if self.kind == "choice":
            return min(option.value for option in self.options)
        assert self.minimum is not None
        return self.minimum

    @property
    def highest(self) -> int:
        if self.kind == "choice":
            return max(option.value for option in self.options)
        assert self.maximum is not None
        return self.maximum


@dataclass(frozen=True)
class Item:
    id: str
    text: str | None  # None for a licensed instrument until its licensed text is recorded
    responses: ResponseSet
    reverse: bool = False
    optional: bool = False
    alert_at_or_above: int | None = (
        None  # an answer this high needs a clinician, whatever the total
    )

    def scored_value(self, value: int) -> int:
        """The value that counts towards a score: reverse-scored items are mirrored."""
        if self.reverse:
            return self.responses.lowest + self.responses.highest - value
        return value


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    label: str


@dataclass(frozen=True)
class ScoreRule:
    """How a set of items becomes one number, and what missing answers do to it.

    ``prorate``: with at most ``max_missing`` items unanswered, the missing ones
    count as the mean of the answered ones (the total is rounded half up to a
    whole number, so it falls in exactly one band). Otherwise the score is invalid.
    """

    id: str
    title: str
    method: ScoringMethod
    item_ids: tuple[str, ...]
    max_missing: int = 0
    missing_rule: MissingRule = "invalid"
    bands: tuple[Band, ...] = ()


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    short_title: str
    construct: str
    licence: str
    source: str
    licensed: bool
    stem: str
    items: tuple[Item, ...]
    total: ScoreRule | None  # None when the instrument is not scored as a whole
    subscales: tuple[ScoreRule, ...] = field(default=())
    # What a patient is shown of ``licence``: the credit its owner asks for, in plain words;
    # empty when nothing need be shown (Alongside's own items).
    attribution: str = ""

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    @property
    def has_item_text(self) -> bool:
        return all(item.text for item in self.items)
