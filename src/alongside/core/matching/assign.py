"""Whole-waitlist assignment of patients to mentors with capacities.

The problem: each patient gets at most one mentor, mentor ``j`` takes at most
``capacities[j]`` patients, a NaN or -inf score forbids a pair. Among all
assignments that match the largest possible number of patients, pick one with
the largest total score. Exact, never a heuristic (up to floating-point
rounding: a certified total is within (pairs matched) x ``EPS`` x (score
range) of the optimum).

How: solve on a small pruned set of pairs (``_certificate.candidate_pairs``),
then prove the answer optimal on the whole matrix with dual potentials
(``_certificate``), adding the pairs that violate the proof until it holds;
after ``MAX_ROUNDS`` rounds, or on floating-point trouble, solve on every
allowed pair. That last path, ``_solve_pairs`` on all allowed pairs, is the
plain method and the readable reference: the rest only makes it faster.

``docs/matching.md`` ("Whole-waitlist assignment: why it is optimal") holds the
derivation; ``docs/performance.md`` ("Matching") the measurements that chose
each step. ``assign_with_run`` also returns a ``Run``: rounds, pairs solved,
fallback and seconds per stage, for tests and the benchmarks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

from alongside.core.matching import _certificate as cert

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Pruning: about this many best mentors per patient, and this many times its
# capacity best patients per mentor (tuned on the bench, see docstring).
ROW_KEEP = 16.0
COL_KEEP = 2.0
# Certificate tolerance per pair, in units of the score range: the total of a
# certified assignment is within (pairs matched) x EPS x range of the optimum.
EPS = 1e-10
_RELAX_TOLERANCE = 1e-11
MAX_ROUNDS = 6
# Near-violations (reduced cost below this, in units of the score range) are
# added along with the violations.
MARGIN = 0.05


@dataclass
class Run:
    """How one call went: certificate rounds, pairs in the last solve, pairs added
    each round, whether it fell back to every allowed pair, and seconds per stage."""

    rounds: int = 0
    pairs: int = 0
    added: list[int] = field(default_factory=list)
    fallback: bool = False
    seconds: dict[str, float] = field(default_factory=dict)


def assign(
    scores: npt.ArrayLike,
    capacities: npt.ArrayLike,
    *,
    _row_keep: float = ROW_KEEP,
    _col_keep: float = COL_KEEP,
) -> IntArray:
    """Return the mentor index for each patient, or -1 when unmatched.

    ``scores`` has shape (patients, mentors); NaN or -inf forbids a pair.
    ``_row_keep`` and ``_col_keep`` (private) size the first pruned pair set;
    they change speed, never the result.
    """
    return assign_with_run(scores, capacities, _row_keep=_row_keep, _col_keep=_col_keep)[0]


def assign_with_run(
    scores: npt.ArrayLike,
    capacities: npt.ArrayLike,
    *,
    _row_keep: float = ROW_KEEP,
    _col_keep: float = COL_KEEP,
) -> tuple[IntArray, Run]:
    """``assign``, with the ``Run`` that says how it went."""
    run = Run()
    return _assign(scores, capacities, run, _row_keep, _col_keep), run


def _assign(
    scores: npt.ArrayLike,
    capacities: npt.ArrayLike,
    run: Run,
    _row_keep: float,
    _col_keep: float,
) -> IntArray:
    score_matrix = _validated_matrix(scores)
    capacity = _validated_capacities(capacities, score_matrix.shape[1])
    n_patients, _ = score_matrix.shape
    result = np.full(n_patients, -1, dtype=np.int64)
    clock = _Clock(run.seconds)

    usable = np.flatnonzero(capacity > 0)
    if n_patients == 0 or usable.size == 0:
        if np.any(score_matrix == np.inf):
            raise ValueError("scores must not contain +inf (use NaN or -inf to forbid a pair)")
        return result
    if usable.size < capacity.size:
        if np.any(score_matrix == np.inf):
            raise ValueError("scores must not contain +inf (use NaN or -inf to forbid a pair)")
        matrix = np.ascontiguousarray(score_matrix[:, usable])
    else:
        matrix = np.ascontiguousarray(score_matrix)
    stats = cert.score_stats(matrix)  # also rejects +inf
    clock("stats")
    active_rows = np.isfinite(stats.row_max)
    if not active_rows.any():
        return result
    cap = capacity[usable]
    m = cap.size

    low, high = stats.low, stats.high
    spread = high - low if high > low else 1.0

    patients, mentors = cert.candidate_pairs(matrix, stats, cap, _row_keep, _col_keep)
    clock("prune")
    keys = np.sort(patients * m + mentors)  # for membership tests; pairs are distinct
    for _ in range(MAX_ROUNDS):
        run.rounds += 1
        run.pairs = int(patients.size)
        pair_scores = matrix[patients, mentors]
        mentor_of_patient = _solve_pairs(mentors, patients, pair_scores, cap, n_patients)
        clock("solve")
        units = (pair_scores - low) / spread
        potentials = cert.mentor_potentials(
            patients, mentors, units, mentor_of_patient, cap, _RELAX_TOLERANCE
        )
        clock("potentials")
        if potentials is None:
            break
        # Pairs within MARGIN of violating: the true violators among them decide
        # optimality; all of them are added, so one round usually suffices.
        near_patients, near_mentors = cert.violations(
            matrix, mentor_of_patient, *potentials, low, spread, -MARGIN
        )
        clock("check")
        slack = cert.reduced_costs(
            matrix, near_patients, near_mentors, mentor_of_patient, *potentials, low, spread
        )
        if not np.any(slack < -EPS):
            result[:] = -1
            matched = mentor_of_patient >= 0
            result[matched] = usable[mentor_of_patient[matched]]
            return result
        bad_patients, bad_mentors = near_patients, near_mentors
        bad_keys = bad_patients * m + bad_mentors
        at = np.minimum(np.searchsorted(keys, bad_keys), keys.size - 1)
        new = keys[at] != bad_keys
        if not np.any(new & (slack < -EPS)):
            break  # only pairs already solved on "violate": rounding, not a better matching
        run.added.append(int(np.count_nonzero(new)))
        patients = np.concatenate([patients, bad_patients[new]])
        mentors = np.concatenate([mentors, bad_mentors[new]])
        keys = np.sort(np.concatenate([keys, bad_keys[new]]))

    # Not certified within MAX_ROUNDS (or floating-point trouble): solve on
    # every allowed pair, which is exact by construction.
    run.fallback = True
    patients, mentors = np.nonzero(np.isfinite(matrix))
    run.pairs = int(patients.size)
    mentor_of_patient = _solve_pairs(mentors, patients, matrix[patients, mentors], cap, n_patients)
    matched = mentor_of_patient >= 0
    result[matched] = usable[mentor_of_patient[matched]]
    return result


class _Clock:
    """Adds the seconds since the previous call to ``seconds[stage]``."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = self.seconds.get(stage, 0.0) + now - self.last
        self.last = now


def _solve_pairs(
    mentor_of_pair: IntArray,
    patient_of_pair: IntArray,
    pair_scores: FloatArray,
    capacity: IntArray,
    n_patients: int,
) -> IntArray:
    """Exact optimum on the given allowed pairs (slot expansion + LAPJVsp)."""
    result = np.full(n_patients, -1, dtype=np.int64)
    if mentor_of_pair.size == 0:
        return result
    # Mentor-major order: each slot row is a copy of its mentor's candidate list.
    order = np.argsort(mentor_of_pair, kind="stable")
    mentor_of_pair = mentor_of_pair[order]
    patient_of_pair = patient_of_pair[order]
    pair_scores = pair_scores[order]
    pair_costs = _pair_costs(pair_scores, n_patients, capacity, mentor_of_pair)

    candidates = np.bincount(mentor_of_pair, minlength=capacity.size)
    slots_per_mentor = np.minimum(capacity, candidates)
    n_slots = int(slots_per_mentor.sum())
    n_active_patients = int(np.count_nonzero(np.bincount(patient_of_pair, minlength=n_patients)))

    if n_slots <= n_active_patients:
        slot_patient = _solve_slots_on_rows(
            mentor_of_pair,
            patient_of_pair,
            pair_costs,
            candidates,
            slots_per_mentor,
            n_patients,
        )
        slot_owner = np.repeat(np.arange(capacity.size), slots_per_mentor)
        matched = slot_patient >= 0
        result[slot_patient[matched]] = slot_owner[matched]
        return result
    return _solve_patients_on_rows(
        mentor_of_pair,
        patient_of_pair,
        pair_costs,
        slots_per_mentor,
        n_patients,
    )


def _validated_matrix(scores: npt.ArrayLike) -> FloatArray:
    try:
        matrix = np.asarray(scores, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"scores must be numbers: {error}") from None
    if matrix.ndim != 2:
        raise ValueError(f"scores must be a 2-D array (patients x mentors), got {matrix.ndim}-D")
    # +inf is rejected by the statistics pass, which reads the matrix anyway.
    return matrix


def _validated_capacities(capacities: npt.ArrayLike, n_mentors: int) -> IntArray:
    raw = np.asarray(capacities)
    if raw.ndim != 1:
        raise ValueError(f"capacities must be a 1-D array, got {raw.ndim}-D")
    if raw.size != n_mentors:
        raise ValueError(
            f"capacities has {raw.size} entries but scores has {n_mentors} mentor columns"
        )
    if raw.dtype == np.bool_ or not np.issubdtype(raw.dtype, np.number):
        raise ValueError("capacities must be whole numbers")
    as_float = raw.astype(np.float64)
    if not np.all(np.isfinite(as_float)) or np.any(as_float != np.round(as_float)):
        raise ValueError("capacities must be whole numbers")
    if np.any(as_float < 0):
        raise ValueError("capacities must not be negative")
    return as_float.astype(np.int64)


def _pair_costs(
    pair_scores: FloatArray, n_patients: int, capacity: IntArray, mentor_of_pair: IntArray
) -> FloatArray:
    """Costs in [B, B + 1] for real pairs; see the module docstring."""
    low, high = float(pair_scores.min()), float(pair_scores.max())
    spread = high - low
    unit = (pair_scores - low) / spread if spread > 0 else np.zeros_like(pair_scores)
    has_candidates = np.bincount(mentor_of_pair, minlength=capacity.size) > 0
    max_pairs = min(n_patients, int(capacity[has_candidates].sum()))
    bonus = float(max_pairs + 1)
    # Strictly positive costs: an explicit 0 in a sparse matrix means "no edge".
    return bonus + 1.0 - unit


def _dummy_cost(pair_costs: FloatArray) -> float:
    # Unmatched costs (B + 1) more than the worst real pair (cost <= B + 1).
    return float(2.0 * pair_costs.max() + 1.0)


def _solve_slots_on_rows(
    mentor_of_pair: IntArray,
    patient_of_pair: IntArray,
    pair_costs: FloatArray,
    candidates: IntArray,
    slots_per_mentor: IntArray,
    n_patients: int,
) -> IntArray:
    """Rows are mentor slots; returns the patient per slot or -1."""
    slot_mentor = np.repeat(np.arange(candidates.size), slots_per_mentor)
    n_slots = slot_mentor.size
    # When every slot can be filled at once (Hopcroft-Karp says so in ~0.05 s), every
    # maximum matching fills them all, so the cheapest matching that fills every slot row
    # is the optimum and needs no "stay empty" columns: ~20 % less LAPJVsp time on tight
    # instances (places <= patients, nearly all contested), same optimum.
    graph = _slot_graph(
        patient_of_pair.astype(np.int32),
        pair_costs,
        np.cumsum(candidates) - candidates,
        candidates,
        slot_mentor,
        n_patients,
    )
    slot_patient = np.full(n_slots, -1, dtype=np.int64)
    if np.all(maximum_bipartite_matching(graph, perm_type="column") >= 0):
        rows, cols = min_weight_full_bipartite_matching(graph)
        slot_patient[rows] = cols
        return slot_patient
    # Otherwise one "mentor row" per mentor: its candidate patients, then one dummy
    # column per slot of that mentor.
    row_indices, row_costs, row_start, row_length = _mentor_rows(
        patient_of_pair, pair_costs, candidates, slots_per_mentor, n_patients
    )
    graph = _slot_graph(
        row_indices, row_costs, row_start, row_length, slot_mentor, n_patients + n_slots
    )
    rows, cols = min_weight_full_bipartite_matching(graph)
    real = cols < n_patients
    slot_patient[rows[real]] = cols[real]
    return slot_patient


def _slot_graph(
    row_indices: npt.NDArray[np.int32],
    row_costs: FloatArray,
    row_start: IntArray,
    row_length: IntArray,
    slot_mentor: IntArray,
    n_columns: int,
) -> csr_matrix:
    """One sparse row per slot, a copy of its mentor's row (given by start and length)."""
    # All slots of a mentor share the same row, so each slot row is a plain copy - one
    # gather, no scatter per slot (this halved the build time against inserting a dummy
    # per slot row).
    n_slots = slot_mentor.size
    slot_length = row_length[slot_mentor]
    indptr = np.zeros(n_slots + 1, dtype=np.int64)
    np.cumsum(slot_length, out=indptr[1:])
    # int32 where it fits: these arrays are the biggest allocations here and
    # first-touch page faults dominate their cost.
    index_type = np.int32 if indptr[-1] < np.iinfo(np.int32).max else np.int64
    gather = np.arange(indptr[-1], dtype=index_type)
    gather += np.repeat((row_start[slot_mentor] - indptr[:-1]).astype(index_type), slot_length)
    return csr_matrix(
        (row_costs[gather], row_indices[gather], indptr.astype(np.int32)),
        shape=(n_slots, n_columns),
    )


def _mentor_rows(
    patient_of_pair: IntArray,
    pair_costs: FloatArray,
    candidates: IntArray,
    slots_per_mentor: IntArray,
    n_patients: int,
) -> tuple[npt.NDArray[np.int32], FloatArray, IntArray, IntArray]:
    row_length = candidates + slots_per_mentor
    row_start = np.cumsum(row_length) - row_length
    slot_first = np.cumsum(slots_per_mentor) - slots_per_mentor
    size = int(row_length.sum())
    indices = np.empty(size, dtype=np.int32)
    costs = np.empty(size, dtype=np.float64)

    pair_pos = np.arange(patient_of_pair.size) + np.repeat(slot_first, candidates)
    indices[pair_pos] = patient_of_pair
    costs[pair_pos] = pair_costs

    n_slots = int(slots_per_mentor.sum())
    slot_mentor = np.repeat(np.arange(candidates.size), slots_per_mentor)
    slot_rank = np.arange(n_slots) - slot_first[slot_mentor]
    dummy_pos = row_start[slot_mentor] + candidates[slot_mentor] + slot_rank
    indices[dummy_pos] = n_patients + np.arange(n_slots)
    costs[dummy_pos] = _dummy_cost(pair_costs)
    return indices, costs, row_start, row_length


def _solve_patients_on_rows(
    mentor_of_pair: IntArray,
    patient_of_pair: IntArray,
    pair_costs: FloatArray,
    slots_per_mentor: IntArray,
    n_patients: int,
) -> IntArray:
    """Rows are patients (fewer than slots); returns the mentor per patient."""
    order = np.lexsort((mentor_of_pair, patient_of_pair))
    patients, mentors, costs = patient_of_pair[order], mentor_of_pair[order], pair_costs[order]
    slot_start = np.concatenate(([0], np.cumsum(slots_per_mentor)[:-1]))
    n_slots = int(slots_per_mentor.sum())
    copies = slots_per_mentor[mentors]
    total_real = int(copies.sum())
    first_copy = np.cumsum(copies) - copies
    offset = np.arange(total_real) - np.repeat(first_copy, copies)
    slot_cols = np.repeat(slot_start[mentors], copies) + offset

    row_length = np.bincount(patients, weights=copies, minlength=n_patients).astype(np.int64)
    indptr = np.concatenate(([0], np.cumsum(row_length + 1)))
    real_pos = np.arange(total_real) + np.repeat(np.arange(n_patients), row_length)
    dummy_pos = indptr[1:] - 1
    indices = np.empty(indptr[-1], dtype=np.int32)
    data = np.empty(indptr[-1], dtype=np.float64)
    indices[real_pos] = slot_cols
    data[real_pos] = np.repeat(costs, copies)
    indices[dummy_pos] = n_slots + np.arange(n_patients)
    data[dummy_pos] = _dummy_cost(pair_costs)

    graph = csr_matrix(
        (data, indices, indptr.astype(np.int32)), shape=(n_patients, n_slots + n_patients)
    )
    rows, cols = min_weight_full_bipartite_matching(graph)
    slot_owner = np.repeat(np.arange(slots_per_mentor.size), slots_per_mentor)
    result = np.full(n_patients, -1, dtype=np.int64)
    real = cols < n_slots
    result[rows[real]] = slot_owner[cols[real]]
    return result
