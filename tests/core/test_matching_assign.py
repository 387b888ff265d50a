import itertools

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from alongside.core.matching import assign


def objective(scores, result):
    matched = np.flatnonzero(result >= 0)
    return matched.size, float(scores[matched, result[matched]].sum())


def oracle(scores, capacities):
    """networkx on the slot-expanded graph: max cardinality, then max weight."""
    graph = nx.Graph()
    n_patients, _ = scores.shape
    for (i, j), s in np.ndenumerate(scores):
        if np.isfinite(s):
            for k in range(int(capacities[j])):
                graph.add_edge(("p", i), ("m", j, k), weight=float(s))
    matching = nx.max_weight_matching(graph, maxcardinality=True)
    total = sum(graph.edges[u, v]["weight"] for u, v in matching)
    return len(matching), total


@st.composite
def instances(draw, max_patients=6, max_mentors=4, max_capacity=3):
    n = draw(st.integers(1, max_patients))
    m = draw(st.integers(1, max_mentors))
    values = st.one_of(
        st.sampled_from([np.nan, -np.inf]),
        st.floats(-5, 5, allow_nan=False).map(lambda x: round(x, 2)),
        st.sampled_from([0.0, 0.5, 1.0]),  # ties
    )
    scores = draw(arrays(np.float64, (n, m), elements=values))
    capacities = draw(arrays(np.int64, (m,), elements=st.integers(0, max_capacity)))
    return scores, capacities


@settings(max_examples=500, deadline=None)
@given(instances())
def test_it_never_exceeds_capacity_or_uses_a_forbidden_pair(instance):
    scores, capacities = instance
    result = assign(scores, capacities)
    assert result.shape == (scores.shape[0],)
    used = np.bincount(result[result >= 0], minlength=capacities.size)
    assert np.all(used <= capacities)
    matched = np.flatnonzero(result >= 0)
    assert np.all(np.isfinite(scores[matched, result[matched]]))


@settings(max_examples=500, deadline=None)
@given(instances())
def test_it_matches_the_networkx_optimum(instance):
    scores, capacities = instance
    count, total = objective(scores, assign(scores, capacities))
    best_count, best_total = oracle(scores, capacities)
    assert count == best_count
    assert total == pytest.approx(best_total, abs=1e-9)


@settings(max_examples=500, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_it_is_invariant_to_patient_and_mentor_order(instance, random):
    scores, capacities = instance
    rows = list(range(scores.shape[0]))
    cols = list(range(scores.shape[1]))
    random.shuffle(rows)
    random.shuffle(cols)
    shuffled = scores[np.ix_(rows, cols)]
    count, total = objective(scores, assign(scores, capacities))
    count2, total2 = objective(shuffled, assign(shuffled, capacities[cols]))
    assert count == count2
    assert total == pytest.approx(total2, abs=1e-9)


def brute_force(scores, capacities):
    n, m = scores.shape
    best = (0, 0.0)
    for choice in itertools.product(range(-1, m), repeat=n):
        used = np.bincount([c for c in choice if c >= 0], minlength=m)
        if np.any(used > capacities):
            continue
        if any(c >= 0 and not np.isfinite(scores[i, c]) for i, c in enumerate(choice)):
            continue
        value = (
            sum(c >= 0 for c in choice),
            sum(scores[i, c] for i, c in enumerate(choice) if c >= 0),
        )
        if value[0] > best[0] or (value[0] == best[0] and value[1] > best[1] + 1e-12):
            best = value
    return best


@settings(max_examples=200, deadline=None)
@given(instances(max_patients=5, max_mentors=3, max_capacity=2))
def test_it_matches_brute_force(instance):
    scores, capacities = instance
    count, total = objective(scores, assign(scores, capacities))
    best_count, best_total = brute_force(scores, capacities)
    assert count == best_count
    assert total == pytest.approx(best_total, abs=1e-9)


def test_it_prefers_more_matches_over_a_higher_total():
    # Patient 0 alone with mentor 0 scores 10; matching both patients scores 2.
    scores = np.array([[10.0, 1.0], [1.0, np.nan]])
    assert assign(scores, np.array([1, 1])).tolist() == [1, 0]


def test_it_fills_a_mentor_up_to_capacity():
    scores = np.array([[0.9], [0.8], [0.7]])
    result = assign(scores, np.array([2]))
    assert sorted(result.tolist()) == [-1, 0, 0]
    assert result[2] == -1


def test_it_handles_everything_forbidden_and_zero_capacity():
    assert assign(np.full((2, 2), np.nan), [1, 1]).tolist() == [-1, -1]
    assert assign(np.ones((2, 2)), [0, 0]).tolist() == [-1, -1]
    assert assign(np.empty((0, 3)), [1, 1, 1]).tolist() == []


def test_it_handles_more_patients_than_slots_and_the_reverse():
    rng = np.random.default_rng(4)
    for shape, capacity in [((30, 4), 2), ((4, 30), 3)]:
        scores = rng.random(shape)
        result = assign(scores, np.full(shape[1], capacity))
        assert (result >= 0).sum() == min(shape[0], shape[1] * capacity)


@pytest.mark.parametrize(
    ("scores", "capacities", "message"),
    [
        (np.ones(3), [1, 1, 1], "2-D"),
        (np.ones((2, 2, 2)), [1, 1], "2-D"),
        (np.ones((2, 2)), [1], "capacities has 1 entries"),
        (np.ones((2, 2)), [[1, 1]], "1-D"),
        (np.ones((2, 2)), [1, -1], "negative"),
        (np.ones((2, 2)), [1, 1.5], "whole numbers"),
        (np.ones((2, 2)), [1, np.nan], "whole numbers"),
        (np.ones((2, 2)), ["a", "b"], "whole numbers"),
        (np.array([[1.0, np.inf]]), [1, 1], "+inf"),
        ([["x"]], [1], "numbers"),
    ],
)
def test_it_rejects_bad_input(scores, capacities, message):
    with pytest.raises(ValueError, match=message.replace("+", r"\+")):
        assign(scores, capacities)


def test_it_accepts_whole_float_capacities():
    assert assign(np.ones((1, 1)), np.array([1.0])).tolist() == [0]
