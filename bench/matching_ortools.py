"""`assign` side by side with OR-Tools min-cost flow: writes "## Matching: OR-Tools side by side".

Run from the repository root (OR-Tools is a benchmark-only dependency, the ``bench`` extra):

    pip install -e ".[bench]"
    python bench/matching_ortools.py  [--quick] [--large] [--repeats N] [--scale S]

(``--large`` adds a tight 20,000 x 4,000 instance: ~4 GB of memory all told.)

The same problem both ways: each patient at most one mentor, mentor ``j`` at most
``capacities[j]`` patients, NaN / -inf pairs forbidden (no arc at all); among the
assignments with the most pairs, the largest total score (``assign``'s objective, see
``alongside.core.matching.assign``: there the cardinality comes first through a bonus
larger than any total score).

OR-Tools: ``SimpleMinCostFlow`` on the unexpanded network source -> patient (capacity 1)
-> mentor (capacity 1, one arc per allowed pair) -> sink (capacity ``c_j``), solved with
``solve_max_flow_with_min_cost`` - the maximum flow first, then the least cost among
maximum flows, which is the same lexicographic objective without a bonus. Costs must be
integers: ``cost_ij = -round(S * (score_ij - low) / (high - low))`` with ``S = --scale``
(default 10^8), so OR-Tools' optimum total score is within ``matched x range / S`` of
the true optimum; the check allows exactly that (plus 1e-6).

Times: wall (``perf_counter``) and CPU (``process_time``) per call, median of
``--repeats`` runs, the two solvers interleaved so that load from other jobs hits both
alike. ``assign`` starts from the dense score matrix; OR-Tools' time counts everything
from the same matrix (finding the allowed pairs, scaling, building the network, solving,
reading the flows back), with the solve alone shown too.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import scipy
from perf_doc import write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from alongside.core.matching import bench  # noqa: E402
from alongside.core.matching.assign import assign_with_run  # noqa: E402

try:
    import ortools
    from ortools.graph.python import min_cost_flow
except ImportError:  # pragma: no cover - a benchmark-only dependency
    sys.exit('OR-Tools is not installed: pip install -e ".[bench]"')

HEADING = "## Matching: OR-Tools side by side"


def ortools_assign(scores: np.ndarray, capacities: np.ndarray, scale: float) -> dict[str, Any]:
    """Optimal assignment by OR-Tools; returns the assignment and the stage times."""
    start = time.perf_counter()
    n, m = scores.shape
    patients, mentors = np.nonzero(np.isfinite(scores))
    values = scores[patients, mentors]
    result = np.full(n, -1, dtype=np.int64)
    if values.size == 0:
        return {"assignment": result, "build_s": 0.0, "solve_s": 0.0, "arcs": 0}
    low, high = float(values.min()), float(values.max())
    spread = high - low if high > low else 1.0
    costs = -np.rint(scale * (values - low) / spread).astype(np.int64)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    # Source -> patients, pairs, mentors -> sink (mentors with capacity 0 get no arc).
    usable = np.flatnonzero(capacities > 0)
    tails = np.concatenate([np.full(n, source), patients, n + usable])
    heads = np.concatenate([np.arange(n), n + mentors, np.full(usable.size, sink)])
    caps = np.concatenate([np.ones(n + patients.size, dtype=np.int64), capacities[usable]])
    unit = np.concatenate([np.zeros(n, dtype=np.int64), costs, np.zeros(usable.size, np.int64)])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, unit
    )
    supply = int(min(n, capacities.sum()))
    flow.set_nodes_supplies(np.array([source, sink]), np.array([supply, -supply]))
    built = time.perf_counter()
    status = flow.solve_max_flow_with_min_cost()
    solved = time.perf_counter()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-Tools status {status}")
    pair_arcs = arcs[n : n + patients.size]
    used = flow.flows(pair_arcs) > 0
    result[patients[used]] = mentors[used]
    return {
        "assignment": result,
        "build_s": built - start,
        "solve_s": solved - built,
        "read_s": time.perf_counter() - solved,
        "arcs": int(arcs.size),
        "max_flow": int(flow.maximum_flow()),
    }


def _timed(call: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def compare(
    name: str, scores: np.ndarray, capacities: np.ndarray, repeats: int, scale: float
) -> dict[str, Any]:
    allowed = np.isfinite(scores)
    spread = float(np.nanmax(np.where(allowed, scores, np.nan))) - float(
        np.nanmin(np.where(allowed, scores, np.nan))
    )
    ours: list[dict[str, Any]] = []
    theirs: list[dict[str, Any]] = []
    for _ in range(repeats):
        (assignment, run), wall, cpu = _timed(lambda: assign_with_run(scores, capacities))
        matched, total = bench.objective(scores, assignment)
        ours.append(
            {
                "wall": wall,
                "cpu": cpu,
                "matched": matched,
                "total": total,
                "run": dataclasses.asdict(run),
            }
        )
        out, wall, cpu = _timed(lambda: ortools_assign(scores, capacities, scale))
        matched, total = bench.objective(scores, out["assignment"])
        theirs.append({"wall": wall, "cpu": cpu, "matched": matched, "total": total, **out})
        print(name, "assign", {k: v for k, v in ours[-1].items() if k != "run"}, flush=True)
        print(name, "ortools", {k: v for k, v in theirs[-1].items() if k != "assignment"})
    tolerance = max(r["matched"] for r in theirs) * spread / scale + 1e-6
    for a in ours:
        for o in theirs:
            assert a["matched"] == o["matched"], (name, a["matched"], o["matched"])
            assert abs(a["total"] - o["total"]) <= tolerance, (name, a["total"], o["total"])
            # assign is exact (to 1e-10 per pair): OR-Tools on rounded costs cannot beat it.
            assert o["total"] <= a["total"] + 1e-6, (name, a["total"], o["total"])
    median_run = sorted(range(repeats), key=lambda k: ours[k]["wall"])[repeats // 2]

    def med(rows: list[dict[str, Any]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    return {
        "name": name,
        "shape": scores.shape,
        "feasible": float(allowed.mean()),
        "allowed": int(allowed.sum()),
        "slots": int(capacities.sum()),
        "active": int(allowed.any(axis=1).sum()),
        "capacity_max": int(capacities.max()),
        "assign": {
            "wall": med(ours, "wall"),
            "cpu": med(ours, "cpu"),
            "all": [r["wall"] for r in ours],
            "matched": ours[0]["matched"],
            "total": ours[0]["total"],
            "run": ours[median_run]["run"],
        },
        "ortools": {
            "wall": med(theirs, "wall"),
            "cpu": med(theirs, "cpu"),
            "solve": med(theirs, "solve_s"),
            "build": med(theirs, "build_s"),
            "all": [r["wall"] for r in theirs],
            "matched": theirs[0]["matched"],
            "total": theirs[0]["total"],
            "arcs": theirs[0]["arcs"],
        },
        "tolerance": tolerance,
        "difference": max(abs(a["total"] - o["total"]) for a in ours for o in theirs),
    }


def section(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    command = "python bench/matching_ortools.py" + "".join(
        f" {flag}" for flag in args.flags if flag
    )
    lines = [
        HEADING,
        "",
        f"Command: `{command}` — run {dt.date.today().isoformat()} on {os.cpu_count()} CPUs, "
        f"{platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}, "
        f"SciPy {scipy.__version__}, OR-Tools {ortools.__version__}; load average at start "
        f"{args.load[0]:.2f}, at end {os.getloadavg()[0]:.2f} (the CPUs may be shared with other jobs: "
        f"single runs vary). Medians of {args.repeats} runs each, the two solvers interleaved. "
        f"OR-Tools: `SimpleMinCostFlow.solve_max_flow_with_min_cost` on source → patient → "
        f"mentor → sink, costs `-round({args.scale:.0e} × (score − low) / range)`; its time "
        f"counts finding the allowed pairs, building the network, solving and reading the flows "
        f"back (solve alone in brackets).",
        "",
        "| instance | pairs allowed | slots / active patients | `assign` wall (CPU) | "
        "OR-Tools wall (CPU) [solve] | OR-Tools / `assign`: wall; CPU | `assign` rounds, pairs solved, stages "
        "| matched, total score: `assign` / OR-Tools (allowed difference) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        a, o, run = r["assign"], r["ortools"], r["assign"]["run"]
        stages = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in run["seconds"].items())
        lines.append(
            f"| {r['name']}: {r['shape'][0]:,} × {r['shape'][1]:,}, capacities 1–{r['capacity_max']} "
            f"| {r['allowed']:,} ({r['feasible']:.1%}) | {r['slots']:,} / {r['active']:,} "
            f"| {a['wall']:.2f} s ({a['cpu']:.2f} s) "
            f"| {o['wall']:.2f} s ({o['cpu']:.2f} s) [{o['solve']:.2f} s] "
            f"| {o['wall'] / a['wall']:.1f}×; {o['cpu'] / a['cpu']:.1f}× "
            f"| {run['rounds']}, {run['pairs']:,}; {stages}"
            + (" — **fell back to all pairs**" if run["fallback"] else "")
            + f" | {a['matched']:,}, {a['total']:.6f} / {o['matched']:,}, {o['total']:.6f} "
            f"(≤ {r['tolerance']:.1e}; was {r['difference']:.1e}) |"
        )
    lines += [
        "",
        "Instances: *realistic* and *tight* from `alongside.core.matching.bench.random_instance` "
        "(synthetic profiles through the real hard rules and scoring; *tight* with capacities "
        "1–10, so the places about equal the patients and nearly every place is contested); "
        "*dense* from `dense_instance` (every pair allowed, uniform scores). A ratio above 1 "
        "means `assign` is faster; with the CPUs shared, CPU time is the steadier comparison.",
        "",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--large", action="store_true", help="also tight 20,000 x 4,000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1e8)
    parser.add_argument("--no-write", action="store_true", help="print, leave docs alone")
    args = parser.parse_args()
    args.load = os.getloadavg()
    args.flags = [
        "--quick" if args.quick else "",
        "--large" if args.large else "",
        f"--repeats {args.repeats}" if args.repeats != 3 else "",
        f"--scale {args.scale:g}" if args.scale != 1e8 else "",
    ]
    n, m = (1000, 200) if args.quick else (10_000, 2_000)
    plan = [
        ("realistic", lambda: bench.random_instance(n, m, 5, 0)),
        ("dense", lambda: bench.dense_instance(n, m, 5, 0)),
        ("tight", lambda: bench.random_instance(n, m, 10, 0)),
    ]
    if args.large:
        plan.append(("tight", lambda: bench.random_instance(2 * n, 2 * m, 10, 0)))
    rows = []
    for name, make in plan:
        scores, capacities = make()
        rows.append(compare(name, scores, capacities, args.repeats, args.scale))
        del scores
    text = section(rows, args)
    print(text)
    if not args.no_write:
        print(write_section(text, HEADING, before="## Reports"))


if __name__ == "__main__":
    main()
