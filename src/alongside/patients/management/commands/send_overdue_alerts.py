"""`alongside manage send_overdue_alerts [--now]`: for cron, once a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.patients import tasks


class Command(BaseCommand):
    help = "E-mail therapists about cases that have just become overdue (one e-mail per case)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="run here instead of queueing the task for the worker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            sent = tasks.overdue_alerts_send()
            self.stdout.write(f"Sent {sent} overdue alert(s).")
            return
        result = tasks.send_overdue_alerts.enqueue()
        self.stdout.write(f"Queued the overdue-alert task ({result.id}).")
