"""Kaplan-Meier estimate for time to first return to work.

``observed`` is True when the event (return to work) happened at that
duration, False when the person was censored (still off work at last
follow-up, or withdrew).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def kaplan_meier(
    durations: Sequence[float], observed: Sequence[bool]
) -> tuple[FloatArray, FloatArray]:
    """Return (times, survival): a right-continuous step function.

    ``times`` starts at 0 (survival 1.0) followed by each distinct event time;
    ``survival[i]`` holds from ``times[i]`` until the next time. Censoring
    times lower the number at risk but add no step.
    """
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
    e = e.astype(bool)
    event_times = np.unique(t[e])
    at_risk = np.array([(t >= s).sum() for s in event_times], dtype=float)
    events = np.array([(e & (t == s)).sum() for s in event_times], dtype=float)
    survival = np.cumprod(1.0 - events / at_risk) if event_times.size else np.array([])
    return np.concatenate(([0.0], event_times)), np.concatenate(([1.0], survival))


def median_survival_time(times: Sequence[float], survival: Sequence[float]) -> float | None:
    """First time the curve drops to 0.5 or below; None when it never does."""
    below = np.flatnonzero(np.asarray(survival) <= 0.5)
    return float(np.asarray(times)[below[0]]) if below.size else None
