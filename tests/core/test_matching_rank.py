import pytest

from alongside.core.matching import (
    MentorPool,
    PatientProfile,
    Weights,
    explain,
    rank,
    rank_with_exclusions,
)
from tests.core.helpers import ready_mentor

PATIENT = PatientProfile(
    "p",
    injury_category="sci",
    sci_level="C6",
    asia_grade="C",
    age=34,
    occupation_code="7411",
    occupation_classification="isco08",
)


def test_best_first_with_reasons_and_exclusions():
    mentors = [
        ready_mentor("far", injury_category="tbi", age=60),
        ready_mentor(
            "close",
            injury_category="sci",
            sci_level="C6",
            asia_grade="C",
            age=41,
            occupation_code="7411",
            occupation_classification="isco08",
        ),
        ready_mentor("off", active=False),
    ]
    suggestions, exclusions = rank_with_exclusions(PATIENT, mentors, Weights())
    assert [s.mentor_id for s in suggestions] == ["close", "far"]
    assert suggestions[0].total > suggestions[1].total
    assert suggestions[0].criteria[0].reason == (
        "Both have C5–6 motor incomplete tetraplegia (AIS C)"
    )
    assert [(e.mentor_id, e.rule) for e in exclusions] == [("off", "active")]
    sentences = explain(suggestions[0])
    assert "Both worked as building and related electricians (ISCO 7411) (100% match)." in sentences
    assert "Place: not recorded." in sentences


def test_ties_are_broken_by_mentor_id():
    mentors = [ready_mentor(i) for i in (5, 2, 9, 1)]
    assert [s.mentor_id for s in rank(PatientProfile("p"), mentors, Weights())] == [1, 2, 5, 9]


def test_weights_change_the_order_and_limit_cuts_the_list():
    a = ready_mentor("a", age=34, injury_category="tbi")
    b = ready_mentor("b", age=60, injury_category="sci")
    pool = MentorPool([a, b])
    assert pool.rank(PATIENT, Weights(injury=5, age=0, work=0))[0].mentor_id == "b"
    assert pool.rank(PATIENT, Weights(injury=0, age=5, work=0))[0].mentor_id == "a"
    assert len(pool.rank(PATIENT, Weights(), limit=1)) == 1


def test_it_ranks_an_empty_pool():
    assert rank(PATIENT, [], Weights()) == []
    with pytest.raises(ValueError):
        Weights(age=-2)
