"""Inter-coder agreement for the service evaluation: Cohen's kappa, Krippendorff's alpha.

When agreement beyond chance cannot be measured - every coder used a single
category for every unit, so expected disagreement is zero - both functions
return NaN rather than guessing 0 or 1; reports show it as "not measurable".
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np

LEVELS = ("nominal", "ordinal", "interval")


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float:
    """Cohen's kappa for two coders labelling the same units, in order."""
    if len(a) != len(b):
        raise ValueError(
            f"the two coders labelled different numbers of units ({len(a)} and {len(b)})"
        )
    if not a:
        raise ValueError("cohen_kappa needs at least one unit")
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b, strict=True)) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[label] * count_b[label] for label in count_a) / (n * n)
    if expected == 1.0:
        return math.nan  # both coders used one single category: chance explains everything
    return (observed - expected) / (1.0 - expected)


def krippendorff_alpha(data: Sequence[Sequence[Hashable | None]], level: str = "nominal") -> float:
    """Krippendorff's alpha; rows are coders, columns units, None = missing.

    ``level`` is "nominal", "ordinal" (values must be orderable) or
    "interval" (values must be numbers). Units with fewer than two values
    are not pairable and are ignored, as Krippendorff specifies.
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
    rows = [list(row) for row in data]
    if not rows or len({len(row) for row in rows}) != 1:
        raise ValueError("every coder's row must have the same number of units")
    values = sorted({v for row in rows for v in row if v is not None}, key=_order_key(level))
    index = {v: i for i, v in enumerate(values)}
    coincidence = _coincidences(rows, index)
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    if n < 2:
        raise ValueError("krippendorff_alpha needs at least one unit coded by two coders")
    delta = _distance(values, n_c, level)
    observed = float((coincidence * delta).sum())
    expected = float((np.outer(n_c, n_c) * delta).sum()) / (n - 1)
    if expected == 0.0:
        return math.nan
    return 1.0 - observed / expected


def _order_key(level: str) -> Callable[[Any], Any]:
    if level == "nominal":
        return lambda v: (type(v).__name__, repr(v))  # any hashables, deterministic order
    return lambda v: v


def _coincidences(rows: list[list[Hashable | None]], index: dict[Hashable, int]) -> np.ndarray:
    """The coincidence matrix, vectorised over units.

    Character-level agreement on a study's transcripts has hundreds of
    thousands of units; a Python loop per unit took minutes.
    """
    k = len(index)
    n_units = len(rows[0]) if rows else 0
    lookup: dict[Hashable | None, int] = {**index, None: -1}
    flat = np.zeros(n_units * k)  # how many coders gave each value to each unit
    for row in rows:
        values = np.fromiter(map(lookup.__getitem__, row), dtype=np.int64, count=n_units)
        coded = np.flatnonzero(values >= 0)
        flat += np.bincount(coded * k + values[coded], minlength=n_units * k)
    counts = flat.reshape(n_units, k)
    m = counts.sum(axis=1)
    counts = counts[m >= 2]  # units coded by fewer than two coders are not pairable
    weights = counts / (m[m >= 2] - 1)[:, None]
    # Per unit: ordered pairs from different coders, n_c * n_k minus self-pairs
    # on the diagonal, over (m - 1); summed over units as one matrix product.
    return weights.T @ counts - np.diag(weights.sum(axis=0))


def _distance(values: list[Hashable], n_c: np.ndarray, level: str) -> np.ndarray:
    """Squared difference function delta^2 for the chosen level of measurement."""
    k = len(values)
    if level == "nominal":
        return 1.0 - np.eye(k)
    if level == "interval":
        try:
            numbers = np.array(values, dtype=float)
        except (TypeError, ValueError):
            raise ValueError("interval alpha needs numeric values") from None
        return (numbers[:, None] - numbers[None, :]) ** 2
    # Ordinal: distance is the number of pairable values between two ranks.
    cumulative = np.concatenate(([0.0], np.cumsum(n_c)))
    delta = np.zeros((k, k))
    for c in range(k):
        for g in range(c + 1, k):
            between = cumulative[g + 1] - cumulative[c] - (n_c[c] + n_c[g]) / 2
            delta[c, g] = delta[g, c] = between**2
    return delta
