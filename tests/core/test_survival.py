import numpy as np
import pytest

from alongside.core.survival import kaplan_meier, median_survival_time

# Freireich et al. 6-MP arm, the textbook Kaplan-Meier example (+ = censored).
WEEKS = [6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34, 35]
EVENT = [1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]


def test_it_reproduces_the_textbook_curve():
    times, survival = kaplan_meier(WEEKS, [bool(e) for e in EVENT])
    assert times.tolist() == [0, 6, 7, 10, 13, 16, 22, 23]
    assert survival.round(3).tolist() == [1.0, 0.857, 0.807, 0.753, 0.69, 0.627, 0.538, 0.448]
    assert median_survival_time(times, survival) == 23


def test_all_censored_is_a_flat_curve_without_median():
    times, survival = kaplan_meier([5, 8], [False, False])
    assert times.tolist() == [0.0] and survival.tolist() == [1.0]
    assert median_survival_time(times, survival) is None


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="same length"):
        kaplan_meier([1, 2], [True])
    with pytest.raises(ValueError, match=">= 0"):
        kaplan_meier([-1], [True])
    with pytest.raises(ValueError, match="True/False"):
        kaplan_meier([1], [2])
    assert np.all(np.diff(kaplan_meier([1, 2, 3], [1, 1, 1])[1]) <= 0)


# --- agreement with an independent implementation (lifelines, a test-only dependency) ---

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from alongside.core.survival import kaplan_meier_curve  # noqa: E402

lifelines = pytest.importorskip("lifelines")


def _step_at(times: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Value of a right-continuous step function at each time in ``at``."""
    return values[np.searchsorted(times, at, side="right") - 1]


def _lifelines_fit(durations: list[int], observed: list[bool]):
    fitter = lifelines.KaplanMeierFitter(alpha=0.05)
    fitter.fit(durations, event_observed=observed)
    return fitter


def _finite(value: float) -> float | None:
    return None if np.isinf(value) else float(value)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=60), st.booleans()),
        min_size=1,
        max_size=80,
    )
)
def test_curve_band_and_median_equal_lifelines(rows: list[tuple[int, bool]]) -> None:
    durations = [d for d, _ in rows]
    observed = [o for _, o in rows]
    ours = kaplan_meier_curve(durations, observed)
    theirs = _lifelines_fit(durations, observed)
    timeline = theirs.survival_function_.index.to_numpy(dtype=float)
    np.testing.assert_allclose(
        _step_at(ours.times, ours.survival, timeline),
        theirs.survival_function_.iloc[:, 0].to_numpy(),
        atol=1e-12,
    )
    band = theirs.confidence_interval_survival_function_
    np.testing.assert_allclose(
        _step_at(ours.times, ours.lower, timeline), band.iloc[:, 0].to_numpy(), atol=1e-9
    )
    np.testing.assert_allclose(
        _step_at(ours.times, ours.upper, timeline), band.iloc[:, 1].to_numpy(), atol=1e-9
    )
    # lifelines multiplies in log space, so a curve at exactly 0.5 may be 0.5000000000000001
    # there; the convention at exactly 0.5 is tested on its own below.
    if not np.isclose(ours.survival, 0.5, atol=1e-9).any():
        assert ours.median == _finite(theirs.median_survival_time_)
    interval = lifelines.utils.median_survival_times(band).iloc[0]
    if not np.isclose(np.concatenate([ours.lower, ours.upper]), 0.5, atol=1e-9).any():
        assert ours.median_ci == (_finite(interval.iloc[0]), _finite(interval.iloc[1]))


def test_curve_on_the_textbook_example() -> None:
    curve = kaplan_meier_curve(WEEKS, [bool(e) for e in EVENT])
    assert curve.median == 23 and curve.subjects == 21 and curve.censored == 12
    assert curve.at_risk.tolist() == [21, 21, 17, 15, 12, 11, 7, 6]
    assert curve.median_ci == (13, None)  # lifelines gives (13, inf) on these data


def test_exactly_half_takes_the_start_of_the_flat_half() -> None:
    curve = kaplan_meier_curve([1, 2, 3, 4], [True, True, True, True])
    assert curve.survival.tolist() == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert curve.median == 2
