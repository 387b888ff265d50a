"""alongside.core.agreement against independent implementations, on random data.

scikit-learn's cohen_kappa_score and the ``krippendorff`` package are the
references (test dependencies only). Where agreement is not measurable our
functions return NaN; the references return NaN or refuse, and either
counts as the same answer.
"""

import math
import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from alongside.core.agreement import cohen_kappa, krippendorff_alpha

LABELS = st.sampled_from(["a", "b", "c", "d"])


@st.composite
def two_coders(draw):
    n = draw(st.integers(1, 40))
    labels = st.lists(LABELS, min_size=n, max_size=n)
    return draw(labels), draw(labels)


@settings(max_examples=150, deadline=None)
@given(two_coders())
def test_cohen_kappa_equals_scikit_learn(pair):
    a, b = pair
    ours = cohen_kappa(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns when it divides 0 by 0
        reference = float(cohen_kappa_score(a, b))
    if math.isnan(reference):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


@st.composite
def reliability_data(draw):
    coders = draw(st.integers(2, 5))
    units = draw(st.integers(1, 25))
    values = st.one_of(st.none(), st.integers(0, 3))
    return [draw(st.lists(values, min_size=units, max_size=units)) for _ in range(coders)]


@settings(max_examples=150, deadline=None)
@given(reliability_data())
def test_krippendorff_alpha_equals_the_krippendorff_package(rows):
    pairable = sum(sum(v is not None for v in unit) >= 2 for unit in zip(*rows, strict=True))
    if pairable == 0:
        with pytest.raises(ValueError, match="two coders"):
            krippendorff_alpha(rows, "nominal")
        return
    ours = krippendorff_alpha(rows, "nominal")
    data = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            reference = float(
                krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
            )
    except ValueError:
        # The package refuses a value domain of one value: not measurable.
        reference = math.nan
    if math.isnan(reference):
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


def test_the_property_can_fail():
    # A guard that the comparison is real: a different data set gives a different alpha.
    rows = [[0, 1, 0, 1], [0, 1, 1, 1]]
    data = np.array(rows, dtype=float)
    reference = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(rows) == pytest.approx(reference)
    assert krippendorff_alpha([[0, 1, 0, 1], [0, 1, 0, 1]]) != pytest.approx(reference)
