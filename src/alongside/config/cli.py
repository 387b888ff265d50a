"""The `alongside` command. Each sub-command is a thin door onto a Django
management command or a pure-core function; user errors print one line."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence

import django
from django.core.exceptions import ImproperlyConfigured


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    django.setup()


def _call(command: str, *args: str) -> int:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    _setup()
    try:
        call_command(command, *args)
    except CommandError as error:
        print(f"alongside: {error}", file=sys.stderr)
        return getattr(error, "returncode", 1) or 1
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    execute_from_command_line(["alongside manage", *args.rest])
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    extra = ["--scale", args.scale, "--seed", str(args.seed)] + (["--reset"] if args.reset else [])
    return _call("demo", *extra)


def cmd_worker(args: argparse.Namespace) -> int:
    """django-tasks-db's worker, made to survive database errors (see config/worker.py)."""
    _setup()
    from alongside.config.worker import Command

    Command().run_from_argv(["alongside", "worker", *args.rest])
    return 0


def _serve_command(args: argparse.Namespace) -> list[str]:
    workers = str(args.workers or os.environ.get("WEB_CONCURRENCY") or 2)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "alongside.config.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        workers,
        "--access-logfile",
        "-",
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
    ]


def cmd_serve(args: argparse.Namespace) -> int:
    """gunicorn in the foreground; SIGTERM and SIGINT are passed on to it.

    A process manager stops a service by signalling the process it started
    (this one): gunicorn gets the same signal (SIGTERM: finish the requests in
    flight; SIGINT: stop now) and this command exits when it has.
    """
    _setup()
    web = subprocess.Popen(_serve_command(args))

    def forward(signum: int, frame: object) -> None:
        if web.poll() is None:
            web.send_signal(signum)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return web.wait()  # retried after each forwarded signal (PEP 475)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def cmd_run(args: argparse.Namespace) -> int:
    """Web server and task worker together, for `make run`.

    The worker is supervised: if it exits it is started again with back-off,
    so notifications keep going out. Ctrl+C or SIGTERM stops both cleanly.
    """
    _setup()
    from alongside.config.worker import supervise

    stop = threading.Event()
    supervisor = threading.Thread(
        target=supervise,
        args=([sys.executable, "-m", "alongside.config.cli", "worker"],),
        kwargs={"stop": stop},
        name="worker-supervisor",
        daemon=True,
    )
    previous = signal.signal(signal.SIGTERM, _interrupt)
    print(f"Alongside is starting on http://127.0.0.1:{args.port}/ (Ctrl+C stops it)", flush=True)
    supervisor.start()
    web = subprocess.Popen(_serve_command(args))
    try:
        return web.wait()
    except KeyboardInterrupt:
        web.terminate()
        try:
            web.wait(timeout=10)
        except subprocess.TimeoutExpired:
            web.kill()
        return 0
    finally:
        stop.set()
        supervisor.join(timeout=15)
        signal.signal(signal.SIGTERM, previous)


def cmd_audit(args: argparse.Namespace) -> int:
    return _call("audit_verify")


def cmd_audit_checkpoint(args: argparse.Namespace) -> int:
    return _call("audit_checkpoint", *([args.out] if args.out else []))


def cmd_bench(args: argparse.Namespace) -> int:
    if args.patients < 1 or args.mentors < 1 or args.capacity_max < 1:
        print(
            "alongside: --patients, --mentors and --capacity-max must be at least 1",
            file=sys.stderr,
        )
        return 2
    from alongside.core.matching import bench

    result = bench.run(args.patients, args.mentors, capacity_max=args.capacity_max, seed=args.seed)
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


def cmd_outcomes_score(args: argparse.Namespace) -> int:
    """Score answers with the pure core: no database, no settings."""
    from alongside.core.instruments import AnswerError, InstrumentFileError, instrument, score

    try:
        answers = json.loads(args.answers)
    except json.JSONDecodeError as error:
        print(f"alongside: --answers is not JSON ({error.msg})", file=sys.stderr)
        return 2
    if not isinstance(answers, list):
        print("alongside: --answers must be a JSON list of item values", file=sys.stderr)
        return 2
    try:
        result = score(instrument(args.instrument), answers)
    except KeyError as error:
        print(f"alongside: {error.args[0]}", file=sys.stderr)
        return 2
    except (AnswerError, InstrumentFileError) as error:
        print(f"alongside: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result.as_dict()))
    return 0


def cmd_import_referrals(args: argparse.Namespace) -> int:
    extra = [args.file] if args.file else []
    extra += ["--template"] if args.template else []
    extra += ["--dry-run"] if args.dry_run else []
    extra += ["--valid-rows-only"] if args.valid_rows_only else []
    extra += ["--service", args.service] if args.service else []
    return _call("import_referrals", *extra)


def cmd_export_research(args: argparse.Namespace) -> int:
    extra = [args.out]
    extra += ["--service", args.service] if args.service else []
    extra += ["--free-text"] if args.free_text else []
    return _call("export_research", *extra)


def cmd_export_fhir(args: argparse.Namespace) -> int:
    extra = [args.out]
    extra += ["--patient", str(args.patient)] if args.patient is not None else []
    return _call("export_fhir", *extra)


def cmd_backup(args: argparse.Namespace) -> int:
    _setup()
    from alongside.backup.commands import run_backup

    return run_backup(args.out)


def cmd_restore(args: argparse.Namespace) -> int:
    _setup()
    from alongside.backup.commands import run_restore

    return run_restore(args.archive, force=args.force)


def cmd_match_batch(args: argparse.Namespace) -> int:
    extra = ["--service", args.service]
    extra += ["--dry-run"] if args.dry_run else []
    extra += ["--json"] if args.json else []
    return _call("match_batch", *extra)


def cmd_evaluation_export_qdpx(args: argparse.Namespace) -> int:
    return _call("export_qdpx", args.study, args.out)


def cmd_evaluation_import_qdpx(args: argparse.Namespace) -> int:
    extra = [args.file]
    extra += ["--slug", args.slug] if args.slug else []
    extra += ["--lead", args.lead] if args.lead else []
    return _call("import_qdpx", *extra)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="alongside", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="load synthetic demo data")
    demo.add_argument("--reset", action="store_true")
    demo.add_argument("--scale", choices=["small", "national"], default="small")
    demo.add_argument("--seed", type=int, default=2024)
    demo.set_defaults(func=cmd_demo)

    for name, func, helptext in (
        ("serve", cmd_serve, "production-style web server (gunicorn)"),
        ("run", cmd_run, "web server and task worker together (development)"),
    ):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--workers", type=int, default=0)
        p.set_defaults(func=func)

    # Its options are db_worker's (--batch, --queue-name, …), passed through as given.
    worker = sub.add_parser("worker", help="run background tasks", add_help=False)
    worker.add_argument("rest", nargs=argparse.REMAINDER)
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser("manage", help="any Django management command", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    audit = sub.add_parser("audit", help="audit trail tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    audit_sub.add_parser(
        "verify", help="check the hash chain, its head and the checkpoints"
    ).set_defaults(func=cmd_audit)
    checkpoint = audit_sub.add_parser(
        "checkpoint", help="append the chain's head to a file outside the database"
    )
    checkpoint.add_argument("out", nargs="?", help="default: ALONGSIDE_AUDIT_CHECKPOINT_FILE")
    checkpoint.set_defaults(func=cmd_audit_checkpoint)

    bench = sub.add_parser("bench", help="benchmarks")
    bench_sub = bench.add_subparsers(dest="bench_command", required=True)
    matching = bench_sub.add_parser("matching", help="batch matching against the dense reference")
    matching.add_argument("--patients", type=int, required=True)
    matching.add_argument("--mentors", type=int, required=True)
    matching.add_argument("--capacity-max", type=int, default=5)
    matching.add_argument("--seed", type=int, default=0)
    matching.add_argument("--json", action="store_true")
    matching.set_defaults(func=cmd_bench)

    match = sub.add_parser("match", help="matching patients with mentors")
    match_sub = match.add_subparsers(dest="match_command", required=True)
    batch = match_sub.add_parser("batch", help="optimal proposals for a service's waiting list")
    batch.add_argument("--service", required=True, help="the service's slug")
    batch.add_argument("--dry-run", action="store_true", help="plan only, write nothing")
    batch.add_argument("--json", action="store_true", help="print JSON")
    batch.set_defaults(func=cmd_match_batch)

    outcomes = sub.add_parser("outcomes", help="questionnaire instruments")
    outcomes_sub = outcomes.add_subparsers(dest="outcomes_command", required=True)
    scorer = outcomes_sub.add_parser("score", help="score answers to an instrument")
    scorer.add_argument("instrument", help="instrument id, e.g. phq9, gad7, gse")
    scorer.add_argument(
        "--answers", required=True, help="JSON list of item values in item order, null = missing"
    )
    scorer.set_defaults(func=cmd_outcomes_score)

    exporter = sub.add_parser("export", help="export records to files")
    export_sub = exporter.add_subparsers(dest="export_command", required=True)
    research = export_sub.add_parser(
        "research", help="pseudonymised CSVs and a data dictionary, zipped"
    )
    research.add_argument("out", help="the zip file to write")
    research.add_argument("--service", help="one service's slug (default: every service)")
    research.add_argument("--free-text", action="store_true", help="include free text")
    research.set_defaults(func=cmd_export_research)
    fhir = export_sub.add_parser("fhir", help="an HL7 FHIR R4 Bundle (JSON)")
    fhir.add_argument("out", help="the JSON file to write ('-' for standard output)")
    fhir.add_argument("--patient", type=int, help="one patient's id (default: every patient)")
    fhir.set_defaults(func=cmd_export_fhir)

    backup = sub.add_parser("backup", help="whole-database logical backup (docs/backup.md)")
    backup.add_argument("out", help="the .tar.gz file to write (must not exist)")
    backup.set_defaults(func=cmd_backup)
    restore = sub.add_parser("restore", help="restore a backup into an empty, migrated database")
    restore.add_argument("archive", help="the backup's .tar.gz file")
    restore.add_argument(
        "--force", action="store_true", help="empty a database that holds data first"
    )
    restore.set_defaults(func=cmd_restore)

    importer = sub.add_parser("import", help="import records from files")
    import_sub = importer.add_subparsers(dest="import_command", required=True)
    referrals = import_sub.add_parser(
        "referrals",
        help="referrals from a CSV file (UTF-8, ≤ 10 MB and ≤ 20,000 rows)",
        description="Import referrals from a CSV file (UTF-8, at most 10 MB and 20,000 rows). "
        "Nothing is written unless every row is valid, or only the valid rows with "
        "--valid-rows-only.",
    )
    referrals.add_argument("file", nargs="?", help="the CSV file")
    referrals.add_argument(
        "--template", action="store_true", help="print the header and an example"
    )
    referrals.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    referrals.add_argument(
        "--valid-rows-only",
        action="store_true",
        help="import the valid rows and report the bad ones",
    )
    referrals.add_argument("--service", help="service slug (needed when there are several)")
    referrals.set_defaults(func=cmd_import_referrals)

    evaluation = sub.add_parser("evaluation", help="service evaluation studies (REFI-QDA)")
    evaluation_sub = evaluation.add_subparsers(dest="evaluation_command", required=True)
    qdpx_out = evaluation_sub.add_parser("export-qdpx", help="a study as a REFI-QDA project")
    qdpx_out.add_argument("study", help="the study's short name, e.g. demo-peer-mentoring")
    qdpx_out.add_argument("out", help="the .qdpx file to write")
    qdpx_out.set_defaults(func=cmd_evaluation_export_qdpx)
    qdpx_in = evaluation_sub.add_parser("import-qdpx", help="a REFI-QDA project as a new study")
    qdpx_in.add_argument("file", help="the .qdpx file")
    qdpx_in.add_argument("--slug", help="the new study's short name (default: from its name)")
    qdpx_in.add_argument("--lead", help="e-mail of the analyst who will lead it")
    qdpx_in.set_defaults(func=cmd_evaluation_import_qdpx)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command == "worker":
        # argparse leaves a leading option (`worker --batch`) out of REMAINDER.
        args.rest = [*unknown, *args.rest]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.func(args) or 0)
    except ImproperlyConfigured as error:
        # A missing or malformed setting (such as the audit key) stops start-up in one line.
        print(f"alongside: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
