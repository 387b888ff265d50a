import math

import pytest

from alongside.core.agreement import cohen_kappa, krippendorff_alpha

N = None
# Krippendorff (2011) "Computing Krippendorff's alpha-reliability", 4 coders x 12 units.
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_alpha_matches_krippendorffs_worked_example(level, published):
    assert krippendorff_alpha(RELIABILITY_DATA, level) == pytest.approx(published, abs=5e-4)


def test_kappa_matches_the_hand_computed_example():
    # 50 units: yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> po 0.7, pe 0.5, kappa 0.4
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)


def test_perfect_agreement_is_one():
    assert cohen_kappa(["a", "b", "a"], ["a", "b", "a"]) == 1.0
    assert krippendorff_alpha([["a", "b", N], ["a", "b", "c"]]) == 1.0


def test_a_single_category_is_not_measurable():
    assert math.isnan(cohen_kappa(["a", "a"], ["a", "a"]))
    assert math.isnan(krippendorff_alpha([["a", "a"], ["a", "a"]]))


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="different numbers of units"):
        cohen_kappa([1, 2], [1])
    with pytest.raises(ValueError, match="same number of units"):
        krippendorff_alpha([[1, 2], [1]])
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(RELIABILITY_DATA, "ratio")
    with pytest.raises(ValueError, match="two coders"):
        krippendorff_alpha([[1, N], [N, 2]])
