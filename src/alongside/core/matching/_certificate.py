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

``mentor_potentials`` solves them on the pruned pairs (smallest solution, a
longest-path Bellman-Ford vectorised over pairs); ``violations`` then checks
``u_i + v_j >= w_ij`` on every allowed pair of the full matrix, in row
blocks. No violation means the pruned optimum is optimal for the whole
instance; violating pairs are added and the pruned problem re-solved.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """Pairs near the top of their patient's row or their mentor's column.

    Keeps pair (i, j) when its score is within ``row_depth`` of patient i's
    best or within ``col_depth`` of mentor j's best. The two depths are global,
    chosen on a sample of rows and of columns so that a typical patient keeps
    about ``row_keep`` mentors and a typical mentor ``col_keep * c_j``
    patients. Only a heuristic for which pairs to solve on first: exactness
    comes from the certificate, not from this set. A keep of 0 turns a side off
    (rows keep then only their best pair).
    """
    n, m = scores.shape
    row_sample = np.unique(np.linspace(0, n - 1, min(n, sample_size)).astype(np.int64))
    col_sample = np.unique(np.linspace(0, m - 1, min(m, sample_size // 2)).astype(np.int64))
    row_depth = (
        _kth_gap(
            scores[row_sample],
            stats.row_max[row_sample],
            np.full(row_sample.size, max(1, round(row_keep)), dtype=np.int64),
        )
        if row_keep > 0
        else 0.0
    )
    col_depth = (
        _kth_gap(
            np.ascontiguousarray(scores[:, col_sample].T),
            stats.col_max[col_sample],
            np.maximum(1, np.round(col_keep * capacities[col_sample])).astype(np.int64),
        )
        if col_keep > 0
        else -np.inf
    )
    # A row or column with no allowed score keeps nothing (never compare with -inf).
    with np.errstate(invalid="ignore"):
        row_threshold = np.where(np.isfinite(stats.row_max), stats.row_max - row_depth, np.inf)
        col_threshold = np.where(np.isfinite(stats.col_max), stats.col_max - col_depth, np.inf)
    rows: list[IntArray] = []
    cols: list[IntArray] = []
    step = _row_step(m)
    for start in range(0, n, step):
        block = scores[start : start + step]
        keep = block >= row_threshold[start : start + step, None]
        keep |= block >= col_threshold[None, :]
        r, c = np.nonzero(keep)
        rows.append(r + start)
        cols.append(c)
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def mentor_potentials(
    patient_of_pair: IntArray,
    mentor_of_pair: IntArray,
    weights: FloatArray,
    mentor_of_patient: IntArray,
    capacities: IntArray,
    tolerance: float,
) -> FloatArray | None:
    """Smallest mentor potentials satisfying the constraints on the given pairs.

    Returns None when they have no solution (the matching is not optimal on
    these pairs, which only floating-point trouble in the solver could cause).
    """
    m = capacities.size
    mentor = mentor_of_patient[patient_of_pair]
    own = mentor == mentor_of_pair
    load = np.bincount(mentor_of_patient[mentor_of_patient >= 0], minlength=m)
    upper = np.full(m, np.inf)
    np.minimum.at(upper, mentor_of_pair[own], weights[own])
    upper[load < capacities] = 0.0
    lower = np.zeros(m)
    unmatched = mentor < 0
    np.maximum.at(lower, mentor_of_pair[unmatched], weights[unmatched])

    own_weight = np.zeros(mentor_of_patient.size)
    own_weight[patient_of_pair[own]] = weights[own]
    other = (mentor >= 0) & ~own
    # Constraint v_b >= v_a - length for pair (i, b), i matched to a.
    head = mentor_of_pair[other]
    tail = mentor[other]
    length = own_weight[patient_of_pair[other]] - weights[other]
    order = np.argsort(head, kind="stable")
    head, tail, length = head[order], tail[order], length[order]
    heads, starts = np.unique(head, return_index=True)

    potential = lower.copy()
    for _ in range(m + 1):
        if heads.size == 0:
            break
        best = np.maximum.reduceat(potential[tail] - length, starts)
        raised = best > potential[heads] + tolerance
        if not raised.any():
            break
        potential[heads[raised]] = best[raised]
    else:
        return None
    if np.any(potential > upper + tolerance):
        return None
    return potential


def violations(
    scores: FloatArray,
    mentor_of_patient: IntArray,
    potential: FloatArray,
    bonus: float,
    low: float,
    spread: float,
    eps: float,
) -> tuple[IntArray, IntArray]:
    """Allowed pairs with ``u_i + v_j < w_ij - eps``, over the whole matrix."""
    n, m = scores.shape
    matched = np.flatnonzero(mentor_of_patient >= 0)
    mentor = mentor_of_patient[matched]
    # u_i = w_ia - v_a = (bonus + unit_ia) - v_a, kept apart from the bonus for precision.
    dual = np.zeros(n)
    dual[matched] = (scores[matched, mentor] - low) / spread + (bonus - potential[mentor])
    # Violation: low + spread * (unit) > low + spread * (u_i + v_j - bonus + eps).
    row_term = low + spread * (dual + eps)
    col_term = spread * (potential - bonus)
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
            r, c = np.nonzero(bad)
            rows.append(r + start)
            cols.append(c)
    if not rows:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)
