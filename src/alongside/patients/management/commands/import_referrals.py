"""`alongside import referrals FILE.csv [--dry-run] [--valid-rows-only] [--service SLUG]`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.policy import SYSTEM
from alongside.organisations.models import Service
from alongside.patients import importing


class Command(BaseCommand):
    help = (
        f"Import referrals from a CSV file (UTF-8, {importing.LIMITS_LABEL}). Nothing is "
        "written unless every row is valid, or only the valid rows with --valid-rows-only. "
        "Rows are checked outside any transaction and written in one short one, so the "
        "service stays usable while a long file is checked."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="the CSV file")
        parser.add_argument(
            "--template",
            action="store_true",
            help="print the CSV header and one example row, then stop",
        )
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--valid-rows-only",
            action="store_true",
            help="import the valid rows and report the bad ones",
        )
        parser.add_argument("--service", help="slug of the service the referrals belong to")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            self.stdout.write(importing.template_csv(), ending="")
            return
        if not options["file"]:
            raise CommandError("name the CSV file to import, or use --template")
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            if size > importing.MAX_BYTES:
                raise CommandError(
                    f"{path}: the file is {size / (1024 * 1024):.1f} MB; the limit is "
                    f"{importing.MAX_LABEL} — split it into parts"
                )
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: cannot read the file ({error.strerror})") from None
        service = _service(options["service"])
        report = importing.referrals_import(
            actor=SYSTEM,
            service=service,
            content=content,
            valid_rows_only=options["valid_rows_only"],
            dry_run=options["dry_run"],
        )
        for line in report.lines():
            self.stderr.write(line)
        valid = len(report.valid)
        if report.file_refused:
            raise CommandError("nothing was imported", returncode=1)
        if options["dry_run"]:
            self.stdout.write(
                f"Dry run for {service.slug}: {report.rows} rows, {valid} valid, "
                f"{len(report.bad_rows)} with problems; nothing was written."
            )
            if report.problems:
                raise CommandError(f"{len(report.bad_rows)} rows have problems", returncode=1)
            return
        if report.written:
            self.stdout.write(f"Imported {len(report.created)} referrals into {service.slug}.")
            if report.bad_rows:
                self.stdout.write(
                    f"Skipped {len(report.bad_rows)} rows with problems "
                    f"(rows {', '.join(str(n) for n in report.bad_rows)})."
                )
            return
        raise CommandError(
            f"{len(report.bad_rows)} of {report.rows} rows have problems; nothing was imported "
            "(fix them, or use --valid-rows-only)",
            returncode=1,
        )


def _service(slug: str | None) -> Service:
    if slug:
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"no service with the slug {slug!r}")
        return service
    services = list(Service.objects.order_by("slug")[:20])
    if len(services) == 1:
        return services[0]
    if not services:
        raise CommandError("there is no service yet; create one first")
    names = ", ".join(s.slug for s in services)
    raise CommandError(f"there are several services; choose one with --service SLUG ({names})")
