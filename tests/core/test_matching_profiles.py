import math

import pytest

from alongside.core.matching import Weights


def test_defaults_are_valid_and_favour_injury_and_work():
    w = Weights()
    assert w.injury > w.age and w.work > w.age


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"age": -1}, "'age' must not be negative"),
        ({"injury": math.nan}, "'injury' must be a finite"),
        ({"work": math.inf}, "'work' must be a finite"),
        ({"place": "1"}, "'place' must be a number"),
        ({"modes": True}, "'modes' must be a number"),
        ({"language": None}, "'language' must be a number"),
    ],
)
def test_bad_weights_name_the_weight(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Weights(**kwargs)


def test_all_zero_weights_are_refused():
    with pytest.raises(ValueError, match="at least one weight"):
        Weights(0, 0, 0, 0, 0, 0, 0)
