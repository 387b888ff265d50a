"""Audit append benchmark: writes the "## Audit appends" section of docs/performance.md.

Run from the repository root, against an empty (or scratch) PostgreSQL database:

    DATABASE_URL=postgres://…/alongside_bench python bench/audit_append.py [--events 4000]
        [--threads 8] [--hold-ms 0 5]

The database is migrated first. ``--threads`` threads, each with its own connection,
append ``--events`` audit events in all through ``audit_record`` (one transaction per
event, as a request does), to (a) one service, so every append locks the same chain
head, as every append did before per-service chains; and (b) one service per thread,
so each thread locks its own service's head. ``--hold-ms`` keeps the transaction open
that long after the append, as a caller's own ``transaction.atomic`` around the write
it audits would; each value is one more pair of runs. The chains are opened before the
clock starts, and ``audit verify`` must pass afterwards.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import threading
import time
from pathlib import Path

from perf_doc import write_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

HEADING = "## Audit appends"
# Service ids far above any real one: audit rows have no foreign keys, so none need exist.
FIRST_SERVICE = 900_000


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    os.environ.setdefault("ALONGSIDE_DEMO_MODE", "1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _run(events: int, threads: int, services: list[int], hold_ms: float) -> float:
    """Events per second with ``threads`` threads; thread i writes to services[i % len]."""
    from django.db import connection, transaction

    from alongside.audit.services import audit_record

    per_thread = events // threads
    start_line = threading.Barrier(threads + 1)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        service = services[index % len(services)]
        try:
            start_line.wait()
            for number in range(per_thread):
                with transaction.atomic():
                    audit_record(
                        actor=None, action="bench.append", object_id=number, service_id=service
                    )
                    if hold_ms:
                        time.sleep(hold_ms / 1000)
        except BaseException as error:  # reported below, after every thread stopped
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    start_line.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"audit_append: {len(errors)} thread(s) failed: {errors[0]!r}")
    return per_thread * threads / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=4000, help="events per run, in all")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--hold-ms", type=float, nargs="+", default=[0.0, 5.0])
    parser.add_argument("--no-write", action="store_true", help="print, do not edit the doc")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("audit_append: set DATABASE_URL to a scratch PostgreSQL database")
    _setup()
    from django.db import connection

    from alongside.audit.selectors import audit_chain_verify
    from alongside.audit.services import audit_record

    services = [FIRST_SERVICE + i for i in range(args.threads)]
    for service in services:  # opening a chain is once per service: not what is measured
        audit_record(actor=None, action="bench.open", service_id=service)
    connection.close()

    load_before = os.getloadavg()[0]
    rows = []
    for hold_ms in args.hold_ms:
        one = _run(args.events, args.threads, services[:1], hold_ms)
        each = _run(args.events, args.threads, services, hold_ms)
        rows.append((hold_ms, one, each))
    load_after = os.getloadavg()[0]
    report = audit_chain_verify()
    if not report.intact:
        raise SystemExit(f"audit_append: audit verify failed afterwards: {report.problem}")

    database = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    lines = [
        HEADING,
        "",
        f"Command: `DATABASE_URL=… python bench/audit_append.py --events {args.events} "
        f"--threads {args.threads} --hold-ms {' '.join(f'{h:g}' for h in args.hold_ms)}` — "
        f"run {dt.date.today():%-d %B %Y} on {os.cpu_count()} CPUs, {platform.machine()}, "
        f"Python {platform.python_version()}; PostgreSQL `{database}`; load average "
        f"{load_before:.2f} before and {load_after:.2f} after. {args.threads} threads (one "
        "connection each) append through `audit_record`, one transaction per event; "
        "*hold* keeps that transaction open after the append, as a caller's own transaction "
        f"would. Afterwards `audit verify` passed ({report.checked:,} events in "
        f"{report.chains_checked} chains).",
        "",
        "| hold ms | (a) one service: events/s | (b) one service per thread: events/s | (b) / (a) |",
        "|---:|---:|---:|---:|",
    ]
    for hold_ms, one, each in rows:
        lines.append(f"| {hold_ms:g} | {one:,.0f} | {each:,.0f} | {each / one:.1f}× |")
    text = "\n".join(lines) + "\n\n"
    print(text)
    if not args.no_write:
        print(write_section(text, HEADING))


if __name__ == "__main__":
    main()
