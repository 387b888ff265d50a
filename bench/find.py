"""Find-a-mentor benchmark: writes the "## Find a mentor at scale" section of docs/performance.md.

Run from the repository root:  python bench/find.py  [--mentors 10000] [--patients 40]

A fresh SQLite database (or, with ``--database-url``, the empty PostgreSQL database in
``DATABASE_URL``, migrated first) gets one service with ``--mentors`` mentors (varied
injuries, genders, languages, ways to meet, places, capacities; ~5% paused, a few
with lapsed checks, ~10% with no place free) and ``--patients`` waiting patients. Then:
the pool built cold (one query of column values, no model instances) against served
from the cache (the one fingerprint query); the find page's selector work
(``selectors.find_mentor``: rank, exclusions summarised by rule, page 1 of the
suggestions, the page's mentors fetched and audited) per patient, cached; and the
whole find page through Django's test client (render included), p50/p95 over patients.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from perf_doc import write_section

ROOT = Path(__file__).resolve().parent.parent
HEADING = "## Find a mentor at scale"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

TARGET_MS = 150.0


def _setup(folder: str, keep_url: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    os.environ["ALONGSIDE_DATA_DIR"] = folder
    os.environ.setdefault("ALONGSIDE_DEMO_MODE", "1")
    if not keep_url:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    # The test client speaks plain HTTP to "testserver", as in tests/conftest.py.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False


def _ms(action) -> float:
    start = time.perf_counter()
    action()
    return 1000 * (time.perf_counter() - start)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _load(mentors: int, patients: int):
    from django.utils import timezone
    from tests.matches.factories import waiting_patient
    from tests.personas import build_world

    from alongside.mentors.models import Mentor, MentorStatus

    world = build_world()
    service = world.home
    rng = random.Random(18)
    today = timezone.localdate()
    year = dt.timedelta(days=365)
    rows = []
    for i in range(mentors):
        category = rng.choice(["sci", "tbi", "amputation", "ortho", "burns"])
        rows.append(
            Mentor(
                service=service,
                first_name=f"Mentor{i}",
                last_name="Bench",
                status=MentorStatus.PAUSED if rng.random() < 0.05 else MentorStatus.ACTIVE,
                injury_category=category,
                sci_level=rng.choice(["C6", "T4", "L1"]) if category == "sci" else "",
                asia_grade=rng.choice("ABCD") if category == "sci" else "",
                occupation_code=rng.choice(["341111", "351311", "721111", "261313"]),
                gender=rng.choice(["woman", "man", "non_binary", ""]),
                languages=rng.sample(
                    ["English", "Arabic", "Vietnamese", "Greek"], rng.randint(1, 2)
                ),
                contact_modes=rng.sample(["in_person", "phone", "video"], rng.randint(1, 3)),
                availability=rng.sample(["mon-am", "tue-pm", "wed-am", "sat-am"], 2),
                willing_categories=[category] if rng.random() < 0.6 else [],
                birth_year=today.year - rng.randint(22, 70),
                latitude=rng.uniform(-38.2, -37.4),
                longitude=rng.uniform(144.5, 145.5),
                travel_radius_km=rng.choice([10, 20, 40, 80]),
                capacity=0 if rng.random() < 0.1 else rng.randint(1, 4),
                checks_valid_until=today + (-dt.timedelta(days=3) if rng.random() < 0.03 else year),
                training_valid_until=today + year,
                supervision_due_on=today + dt.timedelta(days=20),
            )
        )
    Mentor.objects.bulk_create(rows, batch_size=1000)
    waiting = [
        waiting_patient(
            service,
            given_name=f"Patient{i}",
            injury_category=rng.choice(["sci", "tbi", "amputation"]),
            preferred_mentor_gender=rng.choice(["", "", "woman", "man"]),
            wants_in_person=rng.random() < 0.4,
            latitude=rng.uniform(-38.2, -37.4),
            longitude=rng.uniform(144.5, 145.5),
        )
        for i in range(patients)
    ]
    return world, service, waiting


def measure(args: argparse.Namespace) -> dict[str, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from alongside.matches import profiles, selectors

    world, service, patients = _load(args.mentors, args.patients)
    today = timezone.localdate()
    therapist = world.people["therapist"]
    cold = []
    for _ in range(args.cold_repeats):
        profiles.clear_pool_cache()
        cold.append(_ms(lambda: profiles.service_pool(service, today=today)))
    build = [_ms(lambda: profiles.build_pool(service, today=today)) for _ in range(3)]
    profiles.service_pool(service, today=today)
    cached = [_ms(lambda: profiles.service_pool(service, today=today)) for _ in range(50)]
    fingerprint = [_ms(lambda: profiles.pool_fingerprint(service)) for _ in range(50)]
    selector, listed = [], []
    for patient in patients:
        selector.append(
            _ms(lambda p=patient: selectors.find_mentor(therapist, p, today=today, paged=True))
        )
        listed.append(
            _ms(
                lambda p=patient: selectors.find_mentor(
                    therapist, p, today=today, paged=True, excluded_rule="willing"
                )
            )
        )
    found = selectors.find_mentor(therapist, patients[0], today=today, paged=True)
    client = world.client_for("therapist")
    pages, sizes = [], []
    for patient in patients:
        url = reverse("matches:find", args=[patient.pk])
        start = time.perf_counter()
        response = client.get(url)
        pages.append(1000 * (time.perf_counter() - start))
        assert response.status_code == 200, response.status_code
        sizes.append(len(response.content))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("matches:find", args=[patients[0].pk]))
    return {
        "vendor": connection.vendor,
        "pool": len(profiles.service_pool(service, today=today).pool),
        "cold": cold,
        "build": build,
        "cached": cached,
        "fingerprint": fingerprint,
        "selector": selector,
        "listed": listed,
        "pages": pages,
        "sizes": sizes,
        "queries": len(queries.captured_queries),
        "eligible": found.eligible,
        "excluded": found.excluded_total,
        "by_rule": ", ".join(f"{c.rule_label} {c.count:,}" for c in found.excluded_counts),
    }


def section(r: dict, args: argparse.Namespace) -> str:
    med = statistics.median
    page_p95 = _p95(r["pages"])
    selector_p95 = _p95(r["selector"])
    load = os.getloadavg()
    lines = [
        "## Find a mentor at scale",
        "",
        f"Command: `python bench/find.py --mentors {args.mentors} --patients {args.patients}`"
        + (" with `--database-url`" if args.database_url else "")
        + f" — run {dt.date.today().isoformat()} on {os.cpu_count()} CPUs, "
        f"{platform.machine()}, Python {platform.python_version()}, {r['vendor']}; "
        f"load average at the end {load[0]:.2f} (other jobs share the CPUs).",
        "",
        "| measure | result | target | met |",
        "|---|---|---|---|",
        f"| pool of {r['pool']:,} mentors, cold (fingerprint + one query of column values + "
        f"encode), median of {len(r['cold'])} | {med(r['cold']):.0f} ms | | |",
        f"| of which `build_pool` alone, median of 3 | {med(r['build']):.0f} ms | | |",
        f"| pool served from the cache (fingerprint query + weights), median / p95 of 50 "
        f"| {med(r['cached']):.1f} / {_p95(r['cached']):.1f} ms | | |",
        f"| the fingerprint query alone, median | {med(r['fingerprint']):.1f} ms | | |",
        f"| find page selector work (`find_mentor`, paged, cached pool), median / p95 over "
        f"{len(r['selector'])} patients | {med(r['selector']):.0f} / {selector_p95:.0f} ms "
        f"| p95 < {TARGET_MS:.0f} ms | {'yes' if selector_p95 < TARGET_MS else 'no'} |",
        f"| one rule's excluded list (`excluded=willing`, page 1), median / p95 "
        f"| {med(r['listed']):.0f} / {_p95(r['listed']):.0f} ms | | |",
        f"| whole find page through the test client (view, selector, render), median / p95 "
        f"| {med(r['pages']):.0f} / {page_p95:.0f} ms | p95 < {TARGET_MS:.0f} ms "
        f"| {'yes' if page_p95 < TARGET_MS else 'no'} |",
        f"| page size, median (before: 915 KB listing 7,651 excluded mentors) "
        f"| {med(r['sizes']) / 1024:.0f} KB | | |",
        f"| queries for one find page | {r['queries']} | | |",
        f"| first patient: suggested / left out by a rule | {r['eligible']:,} / "
        f"{r['excluded']:,} ({r['by_rule']}) | | |",
        "",
        "The cold build runs once per service per worker process after a mentor or match "
        "write (or a new day); every other request is served from the cache. The cold figure "
        "is the first request after a write.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mentors", type=int, default=10_000)
    parser.add_argument("--patients", type=int, default=40)
    parser.add_argument("--cold-repeats", type=int, default=3)
    parser.add_argument(
        "--database-url",
        action="store_true",
        help="use the (empty) database in DATABASE_URL instead of a fresh SQLite file",
    )
    parser.add_argument("--no-write", action="store_true", help="print, do not write the docs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        _setup(folder, args.database_url)
        text = section(measure(args), args)
    print(text)
    if not args.no_write:
        path = write_section(text + "\n", HEADING, before="## Matching: analysis")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
