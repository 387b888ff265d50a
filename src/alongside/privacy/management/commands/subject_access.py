from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.policy import SYSTEM
from alongside.privacy.selectors import SubjectNotFound, subject_for
from alongside.privacy.services import subject_access_export


class Command(BaseCommand):
    help = (
        "Write a ZIP (JSON + printable HTML) of everything held about a patient or mentor. "
        "WHO is an account or record e-mail, or patient:ID / mentor:ID."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("who")
        parser.add_argument("out")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            subject = subject_for(options["who"])
        except SubjectNotFound as error:
            raise CommandError(str(error), returncode=1) from error
        out = Path(options["out"])
        content = subject_access_export(actor=SYSTEM, subject=subject)
        try:
            out.write_bytes(content)
        except OSError as error:
            raise CommandError(f"cannot write {out}: {error.strerror}", returncode=1) from error
        self.stdout.write(
            f"subject access for {subject._meta.model_name}:{subject.pk} written to {out}"
        )
