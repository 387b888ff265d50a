from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alongside.audit.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Check the audit hash chain; exit 1 naming the first broken event."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_chain_verify()
        if not report.intact:
            raise CommandError(
                f"audit chain broken at event {report.broken_event_id}: {report.problem} "
                f"({report.checked} events before it are intact)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {report.checked} events checked")
