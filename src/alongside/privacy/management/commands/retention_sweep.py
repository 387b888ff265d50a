from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from alongside.privacy.services import retention_sweep


class Command(BaseCommand):
    help = (
        "List records past their service's retention period for a manager to confirm "
        "(daily; nothing is erased until a manager confirms)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        proposed = retention_sweep()
        self.stdout.write(f"retention: {proposed} records newly listed for confirmation")
