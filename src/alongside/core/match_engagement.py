"""Does each matching criterion predict engagement afterwards? Pure statistics.

For every match that started, the matching score of each criterion (taken
when the match was proposed) is set against whether the pair engaged. The
answer per criterion: how many matches had it recorded, the engagement rate
in low / middle / high score bands, and the point-biserial correlation
(Pearson's r between the score and engaged = 1 / not engaged = 0).

A re-weighting is suggested only when there is enough data: at least
``MIN_MATCHES`` matches with a known outcome, of which at least
``MIN_EACH_OUTCOME`` engaged and as many did not. The suggestion scales each
weight by ``1 + r`` (a criterion that predicts engagement gains weight, one
that does not loses some) and keeps the total of the weights unchanged. It is
a prompt for the service to discuss, never applied automatically.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MIN_MATCHES = 30
MIN_EACH_OUTCOME = 8
# Score bands: [0, 0.5) low, [0.5, 0.8) middle, [0.8, 1] high.
BANDS: tuple[tuple[str, float, float], ...] = (
    ("low", 0.0, 0.5),
    ("middle", 0.5, 0.8),
    ("high", 0.8, 1.0000001),
)


@dataclass(frozen=True)
class Outcome:
    """One started match: criterion scores (None = not recorded) and what followed."""

    parts: Mapping[str, float | None]
    engaged: bool
    days_to_first_contact: float | None = None
    contacts_first_8_weeks: int | None = None


@dataclass(frozen=True)
class Band:
    name: str
    matches: int
    engaged: int

    @property
    def rate(self) -> float | None:
        return self.engaged / self.matches if self.matches else None


@dataclass(frozen=True)
class CriterionEngagement:
    name: str
    recorded: int
    correlation: float | None
    bands: tuple[Band, ...]
    mean_score_engaged: float | None
    mean_score_not_engaged: float | None


@dataclass(frozen=True)
class EngagementSummary:
    matches: int
    engaged: int
    criteria: tuple[CriterionEngagement, ...]
    enough_data: bool
    why_not_enough: str = ""
    suggested_weights: dict[str, float] = field(default_factory=dict)
    median_days_to_first_contact: float | None = None
    mean_contacts_first_8_weeks: float | None = None


def correlation(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Pearson's r; None when fewer than three pairs or either side does not vary."""
    if len(xs) != len(ys):
        raise ValueError("correlation: the two sequences differ in length")
    n = len(xs)
    if n < 3:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx <= 1e-12 or syy <= 1e-12:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def criterion_engagement(name: str, outcomes: Sequence[Outcome]) -> CriterionEngagement:
    pairs = [
        (float(score), o.engaged)
        for o in outcomes
        if (score := o.parts.get(name)) is not None and not math.isnan(float(score))
    ]
    bands = tuple(
        Band(
            band,
            sum(1 for s, _ in pairs if low <= s < high),
            sum(1 for s, e in pairs if low <= s < high and e),
        )
        for band, low, high in BANDS
    )
    return CriterionEngagement(
        name=name,
        recorded=len(pairs),
        correlation=correlation([s for s, _ in pairs], [1.0 if e else 0.0 for _, e in pairs]),
        bands=bands,
        mean_score_engaged=_mean([s for s, e in pairs if e]),
        mean_score_not_engaged=_mean([s for s, e in pairs if not e]),
    )


def suggest_weights(
    current: Mapping[str, float], criteria: Sequence[CriterionEngagement]
) -> dict[str, float]:
    """Scale each weight by (1 + r), keep the total; unknown r leaves a weight alone."""
    total = sum(current.values())
    by_name = {c.name: c for c in criteria}
    raw = {}
    for name, weight in current.items():
        r = by_name[name].correlation if name in by_name else None
        raw[name] = weight * (1.0 + r) if r is not None else weight
    raw_total = sum(raw.values())
    if raw_total <= 0 or total <= 0:
        return dict(current)
    return {name: round(value * total / raw_total, 1) for name, value in raw.items()}


def summarise(
    outcomes: Sequence[Outcome], criteria: Sequence[str], weights: Mapping[str, float]
) -> EngagementSummary:
    engaged = sum(1 for o in outcomes if o.engaged)
    not_engaged = len(outcomes) - engaged
    rows = tuple(criterion_engagement(name, outcomes) for name in criteria)
    why = ""
    if len(outcomes) < MIN_MATCHES:
        why = (
            f"Only {len(outcomes)} matches have a known outcome; at least {MIN_MATCHES} "
            "are needed before a re-weighting can be suggested."
        )
    elif min(engaged, not_engaged) < MIN_EACH_OUTCOME:
        why = (
            f"{engaged} matches engaged and {not_engaged} did not; at least "
            f"{MIN_EACH_OUTCOME} of each are needed to tell the criteria apart."
        )
    days = [o.days_to_first_contact for o in outcomes if o.days_to_first_contact is not None]
    contacts = [
        float(o.contacts_first_8_weeks) for o in outcomes if o.contacts_first_8_weeks is not None
    ]
    return EngagementSummary(
        matches=len(outcomes),
        engaged=engaged,
        criteria=rows,
        enough_data=not why,
        why_not_enough=why,
        suggested_weights={} if why else suggest_weights(weights, rows),
        median_days_to_first_contact=_median(days),
        mean_contacts_first_8_weeks=_mean(contacts),
    )
