"""Reports benchmark: writes the "## Reports" section of docs/performance.md.

Run from the repository root:  python bench/reports.py  [--synthetic N]

In a fresh SQLite database (a temporary folder) it loads the demo, takes the
service with the most patients and times, as a signed-in admin would see them:
the dashboard's figures (every section), each pygal chart (the figures for its
section plus drawing the SVG), the fidelity table and the research export. Then
the same on a synthetic service of N patients (default 2,000) made with the
test factories. Medians of ``--repeats`` runs; SVG sizes in bytes; the machine
load is recorded because other jobs may share the two CPUs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from perf_doc import write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))


def _setup(folder: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    os.environ["ALONGSIDE_DATA_DIR"] = folder
    os.environ.setdefault("ALONGSIDE_DEMO_MODE", "1")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _median_ms(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times)


def _measure(service, repeats: int, period=None) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from alongside.patients.selectors import service_today
    from alongside.reports import fidelity, figures, research, selectors
    from alongside.reports.periods import default_period

    period = period or default_period(service_today(service))

    from django.core.cache import cache

    def everything() -> None:
        board = selectors.dashboard(service, period, pseudonymised=False)
        figures.figure_rows([figures.Column("x", board)])

    def cold() -> None:  # the cached sections dropped first: every figure worked out
        cache.clear()
        everything()

    with CaptureQueriesContext(connection) as queries:
        cold()
    with CaptureQueriesContext(connection) as cached_queries:
        everything()
    result: dict[str, object] = {
        "patients": service.patients.count(),
        "figures_ms": _median_ms(cold, repeats),
        "figures_queries": len(queries.captured_queries),
        "cached_ms": _median_ms(everything, max(repeats, 5)),
        "cached_queries": len(cached_queries.captured_queries),
        "charts": {},
    }
    for name in figures.CHARTS:

        def draw(name: str = name) -> str:
            cache.clear()
            board = selectors.dashboard(service, period, pseudonymised=False)
            return figures.chart_svg(name, [figures.Column("x", board)]) or ""

        result["charts"][name] = (_median_ms(draw, repeats), len(draw().encode()))
    result["fidelity_ms"] = _median_ms(
        lambda: fidelity.summary(selectors.accepted_in(service, period)), repeats
    )
    result["research_ms"] = _median_ms(lambda: research.research_zip(service), 1)
    return result


def _table(title: str, r: dict[str, object]) -> list[str]:
    charts = r["charts"]
    lines = [
        f"**{title}** ({r['patients']:,} patients)",
        "",
        "| what | median ms | SVG bytes |",
        "|---|---:|---:|",
        f"| all dashboard figures, cold ({r['figures_queries']} queries) | {r['figures_ms']:.0f} | |",
        f"| all dashboard figures, cached ({r['cached_queries']} query) | {r['cached_ms']:.1f} | |",
    ]
    for name, (ms, size) in charts.items():
        lines.append(f"| chart `{name}` (its figures, cold, + SVG) | {ms:.0f} | {size:,} |")
    lines.append(f"| fidelity totals | {r['fidelity_ms']:.0f} | |")
    lines.append(f"| research export (zip, one run) | {r['research_ms']:.0f} | |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--synthetic", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--national",
        action="store_true",
        help="time the largest service of the national demo already loaded in DATABASE_URL "
        "over two years, instead of a fresh SQLite database",
    )
    args = parser.parse_args()
    if args.national:
        national(args.repeats)
        return
    with tempfile.TemporaryDirectory() as folder:
        _setup(folder)
        from django.db.models import Count
        from tests.factories import ServiceFactory
        from tests.reports.factories import populate

        from alongside.demo.builder import demo_load
        from alongside.organisations.models import Service

        demo_load(log=lambda line: None)
        largest = Service.objects.annotate(n=Count("patients")).order_by("-n").first()
        demo = _measure(largest, args.repeats)
        big = ServiceFactory(slug="bench-large", name="Bench")
        populate(big, patients=args.synthetic, seed=3)
        synthetic = _measure(big, max(1, args.repeats // 2))
    load = os.getloadavg()
    lines = [
        "## Reports",
        "",
        f"`python bench/reports.py` on {dt.date.today():%-d %B %Y}, Python "
        f"{platform.python_version()}, SQLite, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.1f} (other jobs shared the machine). pygal draws every chart on the "
        "server; a page shows nine charts, each fetched as its own image.",
        "",
        *_table(f"Largest demo service: {largest.name}", demo),
        "",
        *_table("Synthetic service (test factories, seed 3)", synthetic),
        "",
    ]
    print(write_section("\n".join(lines) + "\n", "## Reports"))


def national(repeats: int) -> None:
    """The dashboard of the largest national demo service for the two years to today."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    os.environ.setdefault("ALONGSIDE_DEMO_MODE", "1")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from alongside.organisations.models import Service
    from alongside.patients.selectors import service_today
    from alongside.reports.periods import Period

    start_load = os.getloadavg()[0]
    largest = (
        Service.objects.filter(slug__startswith="national-")
        .annotate(n=Count("patients"))
        .order_by("-n", "slug")
        .first()
    )
    if largest is None:
        sys.exit("no national demo here: run `alongside demo --scale national` first")
    today = service_today(largest)
    period = Period(today.replace(year=today.year - 2), today)
    result = _measure(largest, repeats, period)
    from django.core.cache import cache

    from alongside.reports import rollup

    national_services = list(Service.objects.filter(slug__startswith="national-").order_by("slug"))
    total_patients = sum(s.patients.count() for s in national_services)

    def roll_up() -> None:
        for service in national_services:
            rollup.service_figures(service, period)

    cache.clear()
    rollup_cold = _median_ms(roll_up, 1)
    rollup_cached = _median_ms(roll_up, 3)
    load = os.getloadavg()[0]
    lines = [
        "## Reports at national scale",
        "",
        f"`DATABASE_URL=… python bench/reports.py --national --repeats {repeats}` on "
        f"{dt.date.today():%-d %B %Y}, Python {platform.python_version()}, "
        f"{connection.vendor} ({connection.settings_dict['NAME']}), {os.cpu_count()} CPUs, "
        f"load average {start_load:.1f} at start and {load:.1f} at end (other jobs shared "
        f"the machine, so the times are pessimistic). Period {period.start} to {period.end} "
        "(two years); target: the dashboard under 1 s.",
        "",
        f"Data set: {len(national_services)} national services, {total_patients:,} patients "
        "in all.",
        "",
        *_table(f"Largest national service: {largest.name}", result),
        "",
        f"Roll-up across the {len(national_services)} services (the worker's work, without "
        f"the job rows): {rollup_cold:.0f} ms cold, {rollup_cached:.0f} ms with every "
        "service's figures cached.",
        "",
    ]
    print(write_section("\n".join(lines) + "\n", "## Reports at national scale"))


if __name__ == "__main__":
    main()
