"""Whole-waitlist assignment of patients to mentors with capacities.

The problem: each patient gets at most one mentor, mentor ``j`` takes at most
``capacities[j]`` patients, a NaN or -inf score forbids a pair. Among all
assignments that match the largest possible number of patients, pick one with
the largest total score. Exact (up to floating-point rounding).

How (chosen by measurement, see ``docs/performance.md``):

1. Keep only the feasible pairs (the hard rules usually forbid most pairs),
   and drop patients and mentors with no feasible pair.
2. Expand each mentor into ``min(capacity, feasible patients)`` identical
   slots: a mentor can never use more slots than it has candidate patients,
   so this is exact and often much smaller than the full capacity.
3. Put the *smaller* side (slots or patients) on the rows of a sparse
   biadjacency matrix and give every row a private "stay unmatched" dummy
   column, so a full matching of the rows always exists.
4. Solve with SciPy's sparse LAPJVsp
   (``scipy.sparse.csgraph.min_weight_full_bipartite_matching``).

Cardinality first, without a second solve: scores are rescaled to [0, 1]
(an affine map with positive slope does not change which assignment of a
given size is best), and every real pair earns a bonus ``B`` larger than any
possible total score, ``B = (largest possible number of pairs) + 1``. Then
one more matched pair is always worth more than any gain in total score, so
the optimum maximises the count first. ``B`` stays around 10^4, so costs are
resolved to about 1e-12 each - far below the 1e-6 the benchmark checks.

Measured (docs/performance.md): on 10,000 uniform-random patients x 2,000
mentors with ~10 % feasible pairs, slots on the rows solve in ~0.4 s versus
~3.5 s with the 10,000 patients on the rows, hence step 3. On the realistic
bench instance (19 % feasible) a first call takes ~2.2 s, a repeat ~1.0 s:
building and first-touching the ~11 M slot-expanded edges costs as much as
the solve. When most pairs are allowed (dense), SciPy's dense
``linear_sum_assignment`` is faster than this sparse path; see the bench.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from alongside.core.matching import _certificate as cert

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Pruning: about this many best mentors per patient, and this many times its
# capacity best patients per mentor (tuned on the bench, see docstring).
ROW_KEEP = 16.0
COL_KEEP = 4.0
# Certificate tolerance per pair, in units of the score range: the total of a
# certified assignment is within (pairs matched) x EPS x range of the optimum.
EPS = 1e-10
_RELAX_TOLERANCE = 1e-12
MAX_ROUNDS = 6

# Diagnostics of the last call (rounds, pairs solved, fallback), for tests and the bench.
last_run: dict[str, Any] = {}


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
    score_matrix = _validated_matrix(scores)
    capacity = _validated_capacities(capacities, score_matrix.shape[1])
    n_patients, _ = score_matrix.shape
    result = np.full(n_patients, -1, dtype=np.int64)
    last_run.clear()
    last_run.update(rounds=0, pairs=0, added=[], fallback=False)

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
    active_rows = np.isfinite(stats.row_max)
    if not active_rows.any():
        return result
    cap = capacity[usable]
    m = cap.size

    low, high = stats.low, stats.high
    spread = high - low if high > low else 1.0
    has_candidates = np.isfinite(stats.col_max)
    max_pairs = min(int(np.count_nonzero(active_rows)), int(cap[has_candidates].sum()))
    bonus = float(max_pairs + 1)

    patients, mentors = cert.candidate_pairs(matrix, stats, cap, _row_keep, _col_keep)
    keys = patients * m + mentors  # row-major, hence sorted
    for _ in range(MAX_ROUNDS):
        last_run["rounds"] += 1
        last_run["pairs"] = int(patients.size)
        pair_scores = matrix[patients, mentors]
        mentor_of_patient = _solve_pairs(mentors, patients, pair_scores, cap, n_patients)
        weights = bonus + (pair_scores - low) / spread
        potential = cert.mentor_potentials(
            patients, mentors, weights, mentor_of_patient, cap, _RELAX_TOLERANCE
        )
        if potential is None:
            break
        bad_patients, bad_mentors = cert.violations(
            matrix, mentor_of_patient, potential, bonus, low, spread, EPS
        )
        if bad_patients.size == 0:
            result[:] = -1
            matched = mentor_of_patient >= 0
            result[matched] = usable[mentor_of_patient[matched]]
            return result
        bad_keys = bad_patients * m + bad_mentors
        at = np.minimum(np.searchsorted(keys, bad_keys), keys.size - 1)
        new = keys[at] != bad_keys
        if not new.any():
            break  # only pairs already solved on "violate": rounding, not a better matching
        last_run["added"].append(int(np.count_nonzero(new)))
        patients = np.concatenate([patients, bad_patients[new]])
        mentors = np.concatenate([mentors, bad_mentors[new]])
        keys = np.sort(np.concatenate([keys, bad_keys[new]]))

    # Not certified within MAX_ROUNDS (or floating-point trouble): solve on
    # every allowed pair, which is exact by construction.
    last_run["fallback"] = True
    patients, mentors = np.nonzero(np.isfinite(matrix))
    last_run["pairs"] = int(patients.size)
    mentor_of_patient = _solve_pairs(mentors, patients, matrix[patients, mentors], cap, n_patients)
    matched = mentor_of_patient >= 0
    result[matched] = usable[mentor_of_patient[matched]]
    return result


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
    # One "mentor row" per mentor: its candidate patients, then one dummy
    # column per slot of that mentor. All slots of a mentor share the same
    # row, so each slot row is a plain copy - one gather, no scatter per slot
    # (this halved the build time against inserting a dummy per slot row).
    row_indices, row_costs, row_start, row_length = _mentor_rows(
        patient_of_pair, pair_costs, candidates, slots_per_mentor, n_patients
    )
    slot_mentor = np.repeat(np.arange(candidates.size), slots_per_mentor)
    n_slots = slot_mentor.size
    slot_length = row_length[slot_mentor]
    indptr = np.zeros(n_slots + 1, dtype=np.int64)
    np.cumsum(slot_length, out=indptr[1:])
    # int32 where it fits: these arrays are the biggest allocations here and
    # first-touch page faults dominate their cost.
    index_type = np.int32 if indptr[-1] < np.iinfo(np.int32).max else np.int64
    gather = np.arange(indptr[-1], dtype=index_type)
    gather += np.repeat((row_start[slot_mentor] - indptr[:-1]).astype(index_type), slot_length)

    graph = csr_matrix(
        (row_costs[gather], row_indices[gather], indptr.astype(np.int32)),
        shape=(n_slots, n_patients + n_slots),
    )
    rows, cols = min_weight_full_bipartite_matching(graph)
    slot_patient = np.full(n_slots, -1, dtype=np.int64)
    real = cols < n_patients
    slot_patient[rows[real]] = cols[real]
    return slot_patient


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
