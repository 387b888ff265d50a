"""The pruning + optimality-certificate loop inside ``assign``.

``assign`` first solves on a pruned set of pairs, proves optimality on the full
matrix with dual potentials, and adds violating pairs until the proof holds.
These tests force tiny pruned sets (``_row_keep=1, _col_keep=0``: each patient
keeps only its best pair) so that the first pruned optimum is usually *not*
optimal and the loop has to add pairs, and check the result against
independent oracles.
"""

import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.core.matching import assign, bench
from alongside.core.matching.assign import assign_with_run

from .test_matching_assign import brute_force, instances, objective, oracle

assign_module = importlib.import_module("alongside.core.matching.assign")

TINY = {"_row_keep": 1, "_col_keep": 0}


@settings(max_examples=500, deadline=None)
@given(instances(max_patients=7, max_mentors=5, max_capacity=3), st.sampled_from([0, 1, 2]))
def test_a_tiny_pruned_set_still_gives_the_networkx_optimum(instance, col_keep):
    scores, capacities = instance
    result, run = assign_with_run(scores, capacities, _row_keep=1, _col_keep=col_keep)
    used = np.bincount(result[result >= 0], minlength=capacities.size)
    assert np.all(used <= capacities)
    count, total = objective(scores, result)
    best_count, best_total = oracle(scores, capacities)
    assert count == best_count
    assert total == pytest.approx(best_total, abs=1e-9)
    assert not run.fallback


@settings(max_examples=300, deadline=None)
@given(instances(max_patients=5, max_mentors=3, max_capacity=2))
def test_a_tiny_pruned_set_still_gives_the_brute_force_optimum(instance):
    scores, capacities = instance
    count, total = objective(scores, assign(scores, capacities, **TINY))
    best_count, best_total = brute_force(scores, capacities)
    assert count == best_count
    assert total == pytest.approx(best_total, abs=1e-9)


def test_the_loop_adds_the_pair_that_completes_the_matching():
    # Both patients prefer mentor 0 (capacity 1); only patient 1 can also take
    # mentor 1. Best pairs alone match one patient; the certificate must find
    # pair (1, 1).
    scores = np.array([[0.9, np.nan], [0.8, 0.1]])
    result, run = assign_with_run(scores, np.array([1, 1]), **TINY)
    assert result.tolist() == [0, 1]
    assert run.rounds == 2
    assert run.added == [1]
    assert not run.fallback


def test_the_loop_finds_a_better_total_through_a_chain():
    # Greedy best pairs: p0-m0 (1.0) and p1 has only m0 in its best pair, so
    # the pruned optimum is p0-m0 = 1.0 or p1-m0; the true optimum moves p0 to
    # m1 and gives m0 to p1: 0.9 + 0.95.
    scores = np.array([[1.0, 0.9], [0.95, np.nan]])
    result, run = assign_with_run(scores, np.array([1, 1]), **TINY)
    assert result.tolist() == [1, 0]
    assert run.rounds >= 2


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("keep", [TINY, {"_row_keep": 2, "_col_keep": 1}, {}])
def test_it_agrees_with_the_dense_reference_on_realistic_instances(seed, keep):
    scores, capacities = bench.random_instance(120, 30, capacity_max=4, seed=seed)
    result, run = assign_with_run(scores, capacities, **keep)
    reference = bench.reference_assign(scores, capacities)
    count, total = objective(scores, result)
    ref_count, ref_total = objective(scores, reference)
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-6)
    assert not run.fallback


@pytest.mark.parametrize("seed", range(6))
def test_it_agrees_with_the_dense_reference_on_sparse_random_instances(seed):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(150, 40))
    scores[rng.random(scores.shape) < 0.8] = np.nan
    scores[rng.random(scores.shape) < 0.05] = -np.inf
    capacities = rng.integers(0, 4, 40)
    for keep in (TINY, {}):
        count, total = objective(scores, assign(scores, capacities, **keep))
        ref_count, ref_total = objective(scores, bench.reference_assign(scores, capacities))
        assert count == ref_count
        assert total == pytest.approx(ref_total, abs=1e-6)


def test_the_fallback_solves_on_every_pair_when_rounds_run_out(monkeypatch):
    monkeypatch.setattr(assign_module, "MAX_ROUNDS", 1)
    rng = np.random.default_rng(11)
    scores = rng.random((40, 8))
    scores[rng.random(scores.shape) < 0.5] = np.nan
    capacities = rng.integers(1, 4, 8)
    result, run = assign_with_run(scores, capacities, **TINY)
    count, total = objective(scores, result)
    assert run.fallback
    ref_count, ref_total = objective(scores, bench.reference_assign(scores, capacities))
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-9)


@pytest.mark.parametrize("offset, scale", [(0.0, 1.0), (1e6, 1.0), (0.0, 1e4), (-50.0, 1e-3)])
def test_the_certificate_holds_for_shifted_and_scaled_scores(offset, scale):
    rng = np.random.default_rng(3)
    base = rng.random((60, 12))
    base[rng.random(base.shape) < 0.6] = np.nan
    capacities = rng.integers(1, 4, 12)
    scores = offset + scale * base
    count, total = objective(base, assign(scores, capacities, **TINY))
    ref_count, ref_total = objective(base, bench.reference_assign(base, capacities))
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-9)


def test_plus_inf_is_rejected_even_in_a_zero_capacity_column():
    with pytest.raises(ValueError, match=r"\+inf"):
        assign(np.array([[1.0, np.inf]]), [1, 0])
    with pytest.raises(ValueError, match=r"\+inf"):
        assign(np.array([[np.inf]]), [0])


def test_it_accepts_a_non_contiguous_matrix():
    rng = np.random.default_rng(5)
    scores = np.asfortranarray(rng.random((30, 7)))
    capacities = np.full(7, 2)
    count, total = objective(scores, assign(scores, capacities))
    ref_count, ref_total = objective(scores, bench.reference_assign(scores, capacities))
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-9)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("keep", [TINY, {}])
def test_tied_scores_certify_without_falling_back(seed, keep):
    # Many equal scores make zero-length cycles among mentor potentials; with
    # the bonus inside the floats these used to creep by rounding and force
    # the fallback. The bonus is now kept symbolic.
    rng = np.random.default_rng(seed)
    scores = rng.choice([0.0, 0.5, 1.0], size=(400, 60))
    scores[rng.random(scores.shape) < 0.7] = np.nan
    capacities = rng.integers(1, 6, 60)
    result, run = assign_with_run(scores, capacities, **keep)
    count, total = objective(scores, result)
    assert not run.fallback
    ref_count, ref_total = objective(scores, bench.reference_assign(scores, capacities))
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-9)


def test_a_large_bonus_scale_still_certifies():
    # More than 10,000 possible pairs: the bonus would be ~1e4 if it were a float.
    rng = np.random.default_rng(8)
    scores = rng.random((3000, 300))
    scores[rng.random(scores.shape) < 0.8] = np.nan
    capacities = rng.integers(1, 8, 300)
    result, run = assign_with_run(scores, capacities, _row_keep=3, _col_keep=1)
    count, total = objective(scores, result)
    assert not run.fallback
    ref_count, ref_total = objective(scores, bench.reference_assign(scores, capacities))
    assert count == ref_count
    assert total == pytest.approx(ref_total, abs=1e-6)
