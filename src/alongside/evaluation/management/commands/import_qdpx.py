"""alongside evaluation import-qdpx FILE [--lead EMAIL] [--slug SLUG]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alongside.accounts.models import User
from alongside.accounts.policy import SYSTEM
from alongside.evaluation import refi_qda, services
from alongside.evaluation.forms import QDPX_MAX
from alongside.evaluation.models import Study, TeamRole


class Command(BaseCommand):
    help = "Import a REFI-QDA project (.qdpx) as a new study; nothing is written on any error."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", help="the .qdpx file")
        parser.add_argument("--slug", help="the new study's short name (default: from its name)")
        parser.add_argument("--lead", help="e-mail of the analyst who will lead the study")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if path.stat().st_size > QDPX_MAX:
            raise CommandError(f"{path}: larger than {QDPX_MAX // 1024 // 1024} MB")
        lead = None
        if options["lead"]:
            lead = User.objects.filter(email__iexact=options["lead"]).first()
            if lead is None:
                raise CommandError(f"--lead: no account with the e-mail {options['lead']}")
        slug = options["slug"]
        if slug and Study.objects.filter(slug=slug).exists():
            raise CommandError(f"--slug: a study called {slug!r} exists already")
        try:
            # One transaction: a lead who cannot lead leaves no study behind either.
            with transaction.atomic():
                study, skipped = refi_qda.study_import_qdpx(
                    actor=SYSTEM, data=path.read_bytes(), slug=slug
                )
                if lead is not None:
                    services.team_member_set(
                        actor=SYSTEM, study=study, user=lead, role=TeamRole.LEAD
                    )
        except ValidationError as error:
            raise CommandError(f"{path}: {' '.join(error.messages)}") from error
        for note in skipped:
            self.stderr.write(f"not imported: {note}")
        self.stdout.write(study.slug)
        self.stderr.write(
            f"imported {path} as study {study.slug!r}: {study.codes.count()} code(s), "
            f"{study.transcripts.count()} transcript(s)"
        )
