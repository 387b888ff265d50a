"""Flag open matches of mentors who became unavailable (checks expired, training
lapsed, supervision overdue, paused or retired). Run daily, e.g. from cron."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from alongside.matches.services import matches_flag_unavailable


class Command(BaseCommand):
    help = "Flag open matches whose mentor can no longer mentor, for the therapist to review."

    def handle(self, *args: Any, **options: Any) -> None:
        flagged = matches_flag_unavailable()
        self.stdout.write(f"{flagged} matches flagged for review.")
