"""Score one set of answers to an instrument: pure, so it is the same everywhere.

Answers come in item order, ``None`` for an unanswered item. A wrong answer (out
of range, wrong type, too many or too few) raises ``AnswerError`` naming the
item; missing answers are not errors, the missing-item rule decides what they do.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from alongside.core.instruments.model import Instrument, Item, ScoreRule

Answer = int | str | None


class AnswerError(ValueError):
    """An answer the instrument cannot accept; ``item`` is its id (or None for the list)."""

    def __init__(self, item: str | None, message: str) -> None:
        self.item = item
        self.message = message
        super().__init__(f"item {item}: {message}" if item else message)


@dataclass(frozen=True)
class RuleScore:
    value: float | None  # None when the missing-item rule makes the score invalid
    band: str | None
    missing: int
    prorated: bool

    @property
    def valid(self) -> bool:
        return self.value is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.value,
            "band": self.band,
            "missing": self.missing,
            "valid": self.valid,
            "prorated": self.prorated,
        }


@dataclass(frozen=True)
class Score:
    instrument: str
    version: str
    total: float | None
    band: str | None
    missing: int
    valid: bool
    prorated: bool = False
    subscales: dict[str, RuleScore] = field(default_factory=dict)
    alerts: tuple[str, ...] = ()  # items answered at or above their alert level

    def as_dict(self) -> dict[str, Any]:
        return {
            "instrument": self.instrument,
            "version": self.version,
            "total": self.total,
            "band": self.band,
            "missing": self.missing,
            "valid": self.valid,
            "prorated": self.prorated,
            "subscales": {key: sub.as_dict() for key, sub in self.subscales.items()},
            "alerts": list(self.alerts),
        }


def _half_up(value: float) -> int:
    # Python's round() rounds halves to even (round(12.5) == 12); scoring manuals mean 13.
    return math.floor(value + 0.5)


def check_answer(item: Item, answer: Answer) -> Answer:
    """The answer in its stored form, or AnswerError saying what is wrong with it."""
    if answer is None:
        return None
    responses = item.responses
    if responses.numeric:
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise AnswerError(item.id, f"must be a whole number, not {answer!r}")
        if responses.kind == "choice":
            allowed = [option.value for option in responses.options]
            if answer not in allowed:
                listed = ", ".join(str(value) for value in allowed)
                raise AnswerError(item.id, f"{answer} is not one of the answers ({listed})")
        elif not responses.lowest <= answer <= responses.highest:
            raise AnswerError(
                item.id, f"{answer} is outside {responses.lowest} to {responses.highest}"
            )
        return answer
    if not isinstance(answer, str):
        raise AnswerError(item.id, f"must be text, not {answer!r}")
    if responses.kind == "date":
        try:
            dt.date.fromisoformat(answer)
        except ValueError:
            raise AnswerError(item.id, f"{answer!r} is not a date (YYYY-MM-DD)") from None
        return answer
    text = answer.strip()
    if len(text) > responses.max_length:
        raise AnswerError(item.id, f"is longer than {responses.max_length} characters")
    return text or None


def check_answers(instrument: Instrument, answers: Sequence[Answer]) -> list[Answer]:
    if len(answers) != len(instrument.items):
        raise AnswerError(
            None,
            f"{instrument.short_title} has {len(instrument.items)} items; "
            f"{len(answers)} answers were given",
        )
    pairs = zip(instrument.items, answers, strict=True)
    return [check_answer(item, answer) for item, answer in pairs]


def _score_rule(rule: ScoreRule, instrument: Instrument, by_id: dict[str, Answer]) -> RuleScore:
    values = [
        instrument.item(item_id).scored_value(answer)
        for item_id in rule.item_ids
        if isinstance(answer := by_id[item_id], int)
    ]
    missing = len(rule.item_ids) - len(values)
    if missing > rule.max_missing or not values:
        return RuleScore(None, None, missing, prorated=False)
    mean = sum(values) / len(values)
    if rule.method == "mean":
        return RuleScore(round(mean, 2), None, missing, prorated=missing > 0)
    total = sum(values) if not missing else _half_up(mean * len(rule.item_ids))
    band = next((b.label for b in rule.bands if b.low <= total <= b.high), None)
    return RuleScore(total, band, missing, prorated=missing > 0)


def score(instrument: Instrument, answers: Sequence[Answer]) -> Score:
    """Score ``answers`` (item order, None = unanswered) by the instrument's own rules."""
    checked = check_answers(instrument, answers)
    by_id = {item.id: answer for item, answer in zip(instrument.items, checked, strict=True)}
    alerts = tuple(
        item.id
        for item in instrument.items
        if item.alert_at_or_above is not None
        and isinstance(answer := by_id[item.id], int)
        and answer >= item.alert_at_or_above
    )
    subscales = {rule.id: _score_rule(rule, instrument, by_id) for rule in instrument.subscales}
    if instrument.total is None:
        required = [item for item in instrument.items if not item.optional]
        missing = sum(1 for item in required if by_id[item.id] is None)
        return Score(
            instrument=instrument.id,
            version=instrument.version,
            total=None,
            band=None,
            missing=missing,
            valid=missing == 0 and all(sub.valid for sub in subscales.values()),
            subscales=subscales,
            alerts=alerts,
        )
    total = _score_rule(instrument.total, instrument, by_id)
    return Score(
        instrument=instrument.id,
        version=instrument.version,
        total=total.value,
        band=total.band,
        missing=total.missing,
        valid=total.valid,
        prorated=total.prorated,
        subscales=subscales,
        alerts=alerts,
    )
