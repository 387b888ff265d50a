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
