"""`alongside manage send_reminders [--now]`: for cron (e.g. every hour)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.notifications import reminders


class Command(BaseCommand):
    help = (
        "Find events that need a reminder (first contact due, quiet pairs, supervision due, "
        "checks expiring, surveys, questionnaires) and notify once per event."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now", action="store_true", help="run here instead of queueing the task"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["now"]:
            counts = reminders.reminders_send()
            for name, count in counts.items():
                self.stdout.write(f"{name}: {'failed' if count < 0 else count}")
            return
        result = reminders.send_reminders.enqueue()
        self.stdout.write(f"Queued the reminder task ({result.id}).")
