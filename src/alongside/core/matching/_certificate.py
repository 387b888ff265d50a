"""Pruning and the optimality certificate used by ``assign`` (private).

Everything here works on the linear programme of the assignment, with weights
``w = B + unit`` where ``unit = (score - low) / spread`` lies in [0, 1] and the
bonus ``B`` exceeds any possible total ``unit`` (see ``assign``)::

    max  sum w_ij x_ij   s.t.  sum_j x_ij <= 1,  sum_i x_ij <= c_j,  x >= 0
    dual min sum u_i + sum c_j v_j   s.t.  u_i + v_j >= w_ij,  u, v >= 0

An integral ``x`` is optimal exactly when duals exist that are feasible for
*every* allowed pair and satisfy complementary slackness: ``u_i + v_j = w_ij``
on matched pairs, ``u_i = 0`` for unmatched patients, ``v_j = 0`` for mentors
with spare capacity. Fixing ``u_i = w_{i,a(i)} - v_{a(i)}`` for a patient
matched to mentor ``a(i)`` turns the remaining conditions into difference
constraints on the mentor potentials alone (one node per mentor)::

    v_b >= v_a - (w_ia - w_ib)     pair (i, b), i matched to a != b
    v_j >= w_ij                    pair (i, j), i unmatched
    0 <= v_a <= w_ia               i matched to a   (u_i >= 0)
    v_j = 0                        mentor j not full

``mentor_potentials`` solves them on the pruned pairs (smallest solution,
with the bonus ``B`` kept symbolic: ``v = alpha * B + beta``, compared
lexicographically); ``violations`` then checks ``u_i + v_j >= w_ij`` on every
allowed pair of the full matrix, in row blocks. No violation means the
pruned optimum is optimal for the whole instance; otherwise violating (and
nearly violating) pairs are added and the pruned problem re-solved.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Rows per block when sweeping the full score matrix: 256 x 2,000 float64 is
# 4 MB, so the temporaries stay in cache instead of allocating 160 MB arrays.
_BLOCK_BYTES = 4 << 20


@dataclass(frozen=True)
class Stats:
    """Row and column maxima of the allowed scores (-inf or NaN when none), their range."""

    row_max: FloatArray
    col_max: FloatArray
    low: float
    high: float


def _row_step(n_cols: int) -> int:
    return max(1, _BLOCK_BYTES // max(1, 8 * n_cols))


def score_stats(scores: FloatArray) -> Stats:
    """One pass over the matrix, in row blocks; raises on +inf."""
    n, m = scores.shape
    row_max = np.full(n, -np.inf)
    col_max = np.full(m, -np.inf)
    low = np.inf
    step = _row_step(m)
    for start in range(0, n, step):
        block = scores[start : start + step]
        # fmax/fmin skip NaN; -inf never wins a max; +inf would show up here.
        block_max = np.fmax.reduce(block, axis=1)
        if np.any(block_max == np.inf):
            raise ValueError("scores must not contain +inf (use NaN or -inf to forbid a pair)")
        row_max[start : start + step] = block_max
        np.fmax(col_max, np.fmax.reduce(block, axis=0), out=col_max)
        block_low = float(np.fmin.reduce(block, axis=None)) if block.size else np.inf
        if block_low == -np.inf:  # -inf forbids a pair: the slow path only then
            block_low = float(np.fmin.reduce(np.where(block == -np.inf, np.nan, block), axis=None))
        low = float(np.fmin(low, block_low))
    finite_max = row_max[np.isfinite(row_max)]
    high = float(finite_max.max()) if finite_max.size else -np.inf
    return Stats(row_max, col_max, low, high)


def _kth_gap(sample: FloatArray, best: FloatArray, kth: IntArray) -> float:
    """Median over sample rows of (row best - its kth best allowed score)."""
    if sample.shape[0] == 0 or sample.shape[1] == 0:
        return 0.0
    ranked = np.where(np.isfinite(sample), sample, -np.inf)
    k_max = int(min(max(1, int(kth.max())), ranked.shape[1]))
    top = np.partition(ranked, ranked.shape[1] - k_max, axis=1)[:, ranked.shape[1] - k_max :]
    top = -np.sort(-top, axis=1)
    value = top[np.arange(top.shape[0]), np.clip(kth, 1, k_max) - 1]
    with np.errstate(invalid="ignore"):
        gaps = best - value
    gaps = gaps[np.isfinite(gaps)]
    return float(np.median(gaps)) if gaps.size else 0.0


def candidate_pairs(
    scores: FloatArray,
    stats: Stats,
    capacities: IntArray,
    row_keep: float,
    col_keep: float,
    sample_size: int = 512,
) -> tuple[IntArray, IntArray]:
    """Pairs near the top of their patient's row, topped up per mentor.

    Rows: keeps pair (i, j) when its score is within one global depth of
    patient i's best, the depth chosen on a sample of rows so that a typical
    patient keeps about ``row_keep`` mentors (a fixed depth suits the peaked
    realistic scores; a depth measured in pairs suits uniform dense ones).
    Columns: every mentor left with fewer than ``col_keep * c_j`` candidates
    gets its exact top ``col_keep * c_j`` allowed patients added. Only a
    heuristic for which pairs to solve on first: exactness comes from the
    certificate, not from this set. A keep of 0 turns that side off (rows keep
    then only their best pairs).
    """
    n, m = scores.shape
    if row_keep > 0:
        row_sample = np.unique(np.linspace(0, n - 1, min(n, sample_size)).astype(np.int64))
        row_depth = _kth_gap(
            scores[row_sample],
            stats.row_max[row_sample],
            np.full(row_sample.size, max(1, round(row_keep)), dtype=np.int64),
        )
    else:
        row_depth = 0.0
    # A row with no allowed score keeps nothing (never compare with -inf).
    with np.errstate(invalid="ignore"):
        row_threshold = np.where(np.isfinite(stats.row_max), stats.row_max - row_depth, np.inf)
    flat: list[IntArray] = []
    step = _row_step(m)
    for start in range(0, n, step):
        keep = scores[start : start + step] >= row_threshold[start : start + step, None]
        flat.append(np.flatnonzero(keep) + start * m)
    keys = np.concatenate(flat) if flat else np.empty(0, dtype=np.int64)
    rows, cols = np.divmod(keys, m)

    if col_keep > 0:
        wanted = np.ceil(col_keep * capacities).astype(np.int64)
        short = np.flatnonzero(
            (np.bincount(cols, minlength=m) < wanted) & np.isfinite(stats.col_max)
        )
        extra_rows, extra_cols = _column_tops(scores, short, wanted[short], row_threshold)
        rows = np.concatenate([rows, extra_rows])
        cols = np.concatenate([cols, extra_cols])
    return rows.astype(np.int64), cols.astype(np.int64)


def _column_tops(
    scores: FloatArray, columns: IntArray, wanted: IntArray, row_threshold: FloatArray
) -> tuple[IntArray, IntArray]:
    """Exact top ``wanted[k]`` allowed entries of each listed column, minus row-kept ones."""
    n = scores.shape[0]
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    chunk = max(1, _BLOCK_BYTES // max(1, 8 * n))
    for first in range(0, columns.size, chunk):
        which = columns[first : first + chunk]
        block = np.ascontiguousarray(scores[:, which].T)  # one row per mentor
        ranked = np.where(np.isfinite(block), block, -np.inf)
        k = np.minimum(wanted[first : first + chunk], n)
        k_max = int(k.max())
        top = np.partition(ranked, n - k_max, axis=1)[:, n - k_max :]
        top.sort(axis=1)
        threshold = top[np.arange(which.size), k_max - k]
        with np.errstate(invalid="ignore"):
            keep = (ranked >= threshold[:, None]) & (ranked > -np.inf)
            keep &= ~(block >= row_threshold[None, :])
        c, r = np.nonzero(keep)
        rows.append(r)
        cols.append(which[c])
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def _propagate(
    value: FloatArray,
    heads: IntArray,
    starts: IntArray,
    tail: IntArray,
    length: FloatArray,
    tolerance: float,
    max_passes: int,
) -> bool:
    """Longest-path Bellman-Ford in place: value[b] >= value[a] - length; False if no fixpoint."""
    if heads.size == 0:
        return True
    for _ in range(max_passes):
        best = np.maximum.reduceat(value[tail] - length, starts)
        raised = best > value[heads] + tolerance
        if not raised.any():
            return True
        value[heads[raised]] = best[raised]
    return False


def _grouped(head: IntArray, *others: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], ...]:
    order = np.argsort(head, kind="stable")
    head = head[order]
    heads, starts = np.unique(head, return_index=True)
    return (heads, starts, *(o[order] for o in others))


def mentor_potentials(
    patient_of_pair: IntArray,
    mentor_of_pair: IntArray,
    units: FloatArray,
    mentor_of_patient: IntArray,
    capacities: IntArray,
    tolerance: float,
) -> tuple[FloatArray, FloatArray] | None:
    """Smallest mentor potentials ``v = alpha * B + beta`` on the given pairs.

    The cardinality bonus ``B`` is kept symbolic: ``alpha`` (0 or 1) is the
    bonus part, ``beta`` the score part, compared lexicographically. That is
    the limit of a large ``B`` and keeps every float at the scale of the
    scores, so zero-length cycles (tied scores) cannot creep by rounding.
    Returns None when there is no solution (the matching is not optimal on
    these pairs: only floating-point trouble in the solver could cause it).
    """
    m = capacities.size
    mentor = mentor_of_patient[patient_of_pair]
    own = mentor == mentor_of_pair
    load = np.bincount(mentor_of_patient[mentor_of_patient >= 0], minlength=m)
    full = load >= capacities
    unmatched = mentor < 0

    own_unit = np.zeros(mentor_of_patient.size)
    own_unit[patient_of_pair[own]] = units[own]
    other = (mentor >= 0) & ~own
    # Pair (i, b) with i matched to a: v_b >= v_a - (w_ia - w_ib); B cancels.
    head = mentor_of_pair[other]
    tail = mentor[other]
    length = own_unit[patient_of_pair[other]] - units[other]

    # Bonus part: alpha_j = 1 iff an unmatched patient reaches j (reachability).
    alpha = np.zeros(m)
    alpha[mentor_of_pair[unmatched]] = 1.0
    heads, starts, tails = _grouped(head, tail)
    if not _propagate(alpha, heads, starts, tails, np.zeros(tails.size), 0.5, m + 1):
        return None
    if np.any(alpha[~full] > 0):
        return None  # an unmatched patient reaches spare capacity: not maximum

    # Score part, over the pairs whose ends share alpha (the others are slack).
    beta = np.where(alpha > 0, -np.inf, 0.0)
    np.maximum.at(beta, mentor_of_pair[unmatched], units[unmatched])
    same = alpha[head] == alpha[tail]
    heads, starts, tails, lengths = _grouped(head[same], tail[same], length[same])
    if not _propagate(beta, heads, starts, tails, lengths, tolerance, m + 1):
        return None
    upper = np.full(m, np.inf)
    np.minimum.at(upper, mentor_of_pair[own], units[own])
    upper[alpha == 0] = np.inf  # v = beta < B + unit always holds
    upper[~full] = 0.0
    if not np.all(np.isfinite(beta)) or np.any(beta > upper + tolerance):
        return None
    return alpha, beta


def violations(
    scores: FloatArray,
    mentor_of_patient: IntArray,
    alpha: FloatArray,
    beta: FloatArray,
    low: float,
    spread: float,
    eps: float,
) -> tuple[IntArray, IntArray]:
    """Allowed pairs with ``u_i + v_j < w_ij - eps`` (lexicographically), whole matrix.

    ``u_i = w_{i,a} - v_a`` for a patient matched to ``a``, else 0. With the
    bonus parts ``a_i = 1 - alpha_a`` (0 if unmatched) and ``alpha_j``: a sum
    of 2 never violates, 0 always does (on allowed pairs), 1 compares the
    score parts. One threshold per cell does all three: row and column terms
    carry ``+H`` for a bonus part of 1 and ``-H`` for 0, with ``H`` a power of
    two far above the score parts, so the mixed case cancels exactly.
    """
    n, m = scores.shape
    matched = np.flatnonzero(mentor_of_patient >= 0)
    mentor = mentor_of_patient[matched]
    row_alpha = np.zeros(n)
    row_beta = np.zeros(n)
    row_alpha[matched] = 1.0 - alpha[mentor]
    row_beta[matched] = (scores[matched, mentor] - low) / spread - beta[mentor]
    big = 2.0 ** np.ceil(np.log2(4.0 * (m + 2) + np.abs(beta).max() + np.abs(row_beta).max()))
    # Violation: low + spread * unit_ij > low + spread * (u_i + v_j + eps).
    row_term = low + spread * (row_beta + eps + np.where(row_alpha > 0, big, -big))
    col_term = spread * (beta + np.where(alpha > 0, big, -big))
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    step = _row_step(m)
    buffer = np.empty((min(step, n), m))
    for start in range(0, n, step):
        block = scores[start : start + step]
        threshold = buffer[: block.shape[0]]
        np.add(row_term[start : start + step, None], col_term[None, :], out=threshold)
        bad = block > threshold  # False for NaN and -inf
        if bad.any():
            flat = np.flatnonzero(bad)
            rows.append(flat // m + start)
            cols.append(flat % m)
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def reduced_costs(
    scores: FloatArray,
    patients: IntArray,
    mentors: IntArray,
    mentor_of_patient: IntArray,
    alpha: FloatArray,
    beta: FloatArray,
    low: float,
    spread: float,
) -> FloatArray:
    """``u_i + v_j - w_ij`` of the listed pairs, in units of the score range.

    -inf or +inf when the bonus parts alone decide (sum 0 or 2).
    """
    mentor = mentor_of_patient[patients]
    matched = mentor >= 0
    own = np.where(matched, mentor, 0)
    row_alpha = np.where(matched, 1.0 - alpha[own], 0.0)
    row_beta = np.where(matched, (scores[patients, own] - low) / spread - beta[own], 0.0)
    bonus = row_alpha + alpha[mentors]
    score_part = row_beta + beta[mentors] - (scores[patients, mentors] - low) / spread
    return np.where(bonus > 1.5, np.inf, np.where(bonus < 0.5, -np.inf, score_part))
