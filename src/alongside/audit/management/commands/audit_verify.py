from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.audit.selectors import (
    CheckpointFileError,
    audit_chain_verify,
    audit_checkpoints_read,
)


class Command(BaseCommand):
    help = (
        "Check every audit chain (the general one and each service's), its stored head and "
        "every checkpoint; "
        "exit 1 naming the first broken or missing event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--checkpoints",
            help="checkpoint file (default: ALONGSIDE_AUDIT_CHECKPOINT_FILE)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["checkpoints"] or settings.ALONGSIDE_AUDIT_CHECKPOINT_FILE)
        try:
            checkpoints = audit_checkpoints_read(path)
        except (CheckpointFileError, OSError) as error:
            raise CommandError(f"audit checkpoints unreadable: {error}", returncode=1) from error
        report = audit_chain_verify(checkpoints=checkpoints)
        if report.broken_event_id is not None:
            raise CommandError(
                f"audit chain broken at event {report.broken_event_id}: {report.problem} "
                f"({report.checked} events before it are intact)",
                returncode=1,
            )
        if not report.intact:
            raise CommandError(f"audit chain broken: {report.problem}", returncode=1)
        checkpoints_said = (
            f"{report.checkpoints_checked} checkpoints from {path} hold"
            if report.checkpoints_checked
            else f"no checkpoints yet in {path} (run `alongside audit checkpoint` daily)"
        )
        chains = "1 chain" if report.chains_checked == 1 else f"{report.chains_checked} chains"
        self.stdout.write(
            f"audit chain intact: {report.checked} events checked in {chains}, "
            f"heads at {report.head_count}, {checkpoints_said}"
        )
