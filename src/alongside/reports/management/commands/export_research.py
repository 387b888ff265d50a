"""alongside export research OUT.zip [--service SLUG] [--free-text]"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alongside.organisations.models import Service
from alongside.reports import services


class Command(BaseCommand):
    help = "Pseudonymised research export: one CSV per entity and a data dictionary, zipped."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", help="the zip file to write")
        parser.add_argument("--service", help="one service's slug (default: every service)")
        parser.add_argument(
            "--free-text", action="store_true", help="include free text (left out by default)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() != ".zip":
            raise CommandError(f"{out}: the export is a zip file; name it … .zip")
        if not out.parent.exists():
            raise CommandError(f"{out.parent}: no such folder")
        chosen = Service.objects.order_by("slug")
        if options["service"]:
            chosen = chosen.filter(slug=options["service"])
            if not chosen.exists():
                raise CommandError(f"--service: no service with the slug {options['service']!r}")
        found = list(chosen)
        if not found:
            raise CommandError("there is no service to export")
        free_text = options["free_text"]
        if len(found) == 1:
            with out.open("wb") as handle:
                size = services.research_export_write(
                    service=found[0], out=handle, free_text=free_text
                )
        else:
            # Several services: one folder each, as ids are keyed per service.
            with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                for service in found:
                    buffer = io.BytesIO()
                    services.research_export_write(service=service, out=buffer, free_text=free_text)
                    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as inner:
                        for name in inner.namelist():
                            archive.writestr(f"{service.slug}/{name}", inner.read(name))
            size = out.stat().st_size
        self.stdout.write(f"wrote {out} ({size:,} bytes, {len(found)} service(s))")
