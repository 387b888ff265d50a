"""Kaplan-Meier estimate for time to first return to work.

``observed`` is True when the event (return to work) happened at that
duration, False when the person was censored (still off work at last
follow-up, or withdrew).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def _validated(
    durations: Sequence[float], observed: Sequence[bool]
) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    t = np.asarray(durations, dtype=float)
    e = np.asarray(observed)
    if t.ndim != 1 or e.shape != t.shape:
        raise ValueError(
            f"durations and observed must be 1-D and the same length ({t.shape} vs {e.shape})"
        )
    if t.size and (np.isnan(t).any() or (t < 0).any()):
        raise ValueError("durations must be numbers >= 0")
    if e.dtype != np.bool_ and not np.isin(e, (0, 1)).all():
        raise ValueError("observed must be True/False (1/0)")
    return t, e.astype(bool)


def _steps(t: FloatArray, e: npt.NDArray[np.bool_]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Distinct event times, the number at risk just before each, and events at each."""
    event_times, events = np.unique(t[e], return_counts=True)
    at_risk = t.size - np.searchsorted(np.sort(t), event_times, side="left")
    return event_times, at_risk.astype(float), events.astype(float)


def kaplan_meier(
    durations: Sequence[float], observed: Sequence[bool]
) -> tuple[FloatArray, FloatArray]:
    """Return (times, survival): a right-continuous step function.

    ``times`` starts at 0 (survival 1.0) followed by each distinct event time;
    ``survival[i]`` holds from ``times[i]`` until the next time. Censoring
    times lower the number at risk but add no step.
    """
    t, e = _validated(durations, observed)
    event_times, at_risk, events = _steps(t, e)
    survival = np.cumprod(1.0 - events / at_risk) if event_times.size else np.array([])
    return np.concatenate(([0.0], event_times)), np.concatenate(([1.0], survival))


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan-Meier curve with its pointwise confidence band and median.

    Arrays are aligned: index 0 is time 0 (survival 1), then one entry per
    distinct event time. ``median`` is the first time the curve is at or below
    0.5 (so when S(t) equals 0.5 exactly over an interval, the start of that
    interval); None when the curve never gets there. ``median_ci`` runs from
    where the lower band first reaches 0.5 to where the upper band does
    (Brookmeyer-Crowley style, as lifelines reports it); an end is None when its
    band never gets there (the interval is open-ended).
    """

    times: FloatArray
    survival: FloatArray
    at_risk: FloatArray
    events: FloatArray
    lower: FloatArray
    upper: FloatArray
    median: float | None
    median_ci: tuple[float | None, float | None]
    confidence: float
    subjects: int
    censored: int


def _first_at_or_below(times: FloatArray, curve: FloatArray, level: float) -> float | None:
    below = np.flatnonzero(curve <= level)
    return float(times[below[0]]) if below.size else None


def kaplan_meier_curve(
    durations: Sequence[float], observed: Sequence[bool], *, alpha: float = 0.05
) -> SurvivalCurve:
    """Kaplan-Meier estimate with a (1 - alpha) pointwise band, median and its interval.

    The band is the exponential Greenwood ("log-log") interval, which stays
    within 0 and 1: with V = sum d / (n (n - d)) over event times up to t,
    bounds = exp(-exp(log(-log S) -/+ z sqrt(V) / log S)). At S = 1 both bounds
    are 1; a step to S = 0 contributes nothing to V and both bounds are 0.
    """
    if not 0 < alpha < 1:
        raise ValueError("alpha must be between 0 and 1")
    t, e = _validated(durations, observed)
    event_times, at_risk, events = _steps(t, e)
    survival = np.cumprod(1.0 - events / at_risk) if event_times.size else np.array([])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(at_risk > events, events / (at_risk * (at_risk - events)), 0.0)
        greenwood = np.cumsum(terms)
        log_s = np.log(survival)
        z = NormalDist().inv_cdf(1 - alpha / 2)
        spread = z * np.sqrt(greenwood) / log_s
        lower = np.exp(-np.exp(np.log(-log_s) - spread))
        upper = np.exp(-np.exp(np.log(-log_s) + spread))
    lower = np.where(np.isnan(lower), 1.0, lower)
    upper = np.where(np.isnan(upper), 1.0, upper)
    times = np.concatenate(([0.0], event_times))
    survival = np.concatenate(([1.0], survival))
    lower = np.concatenate(([1.0], lower))
    upper = np.concatenate(([1.0], upper))
    return SurvivalCurve(
        times=times,
        survival=survival,
        at_risk=np.concatenate(([float(t.size)], at_risk)),
        events=np.concatenate(([0.0], events)),
        lower=lower,
        upper=upper,
        median=_first_at_or_below(times, survival, 0.5),
        median_ci=(
            _first_at_or_below(times, lower, 0.5),
            _first_at_or_below(times, upper, 0.5),
        ),
        confidence=1 - alpha,
        subjects=int(t.size),
        censored=int((~e).sum()),
    )


def median_survival_time(times: Sequence[float], survival: Sequence[float]) -> float | None:
    """First time the curve drops to 0.5 or below; None when it never does."""
    return _first_at_or_below(np.asarray(times, dtype=float), np.asarray(survival), 0.5)
