from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.audit.chain import UnknownAuditKey
from alongside.audit.services import CheckpointRefused, audit_checkpoint_write


class Command(BaseCommand):
    help = (
        "Append every audit chain's head (chain, count, keyed hash, time) to a file outside "
        "the database, one line per chain, for `audit verify` to check the chains against later."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "out",
            nargs="?",
            help="checkpoint file (default: ALONGSIDE_AUDIT_CHECKPOINT_FILE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["out"] or settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE)
        try:
            entries = audit_checkpoint_write(path=path)
        except (CheckpointRefused, UnknownAuditKey) as error:
            raise CommandError(f"no checkpoint written: {error}", returncode=1) from error
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror}", returncode=1) from error
        events = sum(entry["count"] for entry in entries)
        chains = "1 chain" if len(entries) == 1 else f"{len(entries)} chains"
        self.stdout.write(f"audit checkpoint: {chains}, {events} events, appended to {path}")
