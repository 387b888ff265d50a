"""alongside evaluation export-qdpx STUDY OUT.qdpx"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alongside.accounts.policy import SYSTEM
from alongside.core.qda import QdaError
from alongside.evaluation import refi_qda
from alongside.evaluation.models import Study


class Command(BaseCommand):
    help = "Write a study as a REFI-QDA project (.qdpx), validated against the schema."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("study", help="the study's short name (slug)")
        parser.add_argument("out", help="the .qdpx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        study = Study.objects.filter(slug=options["study"]).first()
        if study is None:
            raise CommandError(f"no study with the short name {options['study']!r}")
        out = Path(options["out"])
        if not out.parent.exists():
            raise CommandError(f"{out.parent}: no such folder")
        try:
            data = refi_qda.study_qdpx(SYSTEM, study)
        except QdaError as error:
            raise CommandError(f"the study cannot be exported: {error}") from error
        out.write_bytes(data)
        self.stderr.write(f"wrote {out} ({study.transcripts.count()} transcript(s))")
