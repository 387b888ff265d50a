"""Reminder sweeps: apps register functions that find events and call ``notify``.

A sweep is ``def sweep(now: datetime) -> int`` returning how many *new*
notifications it created. Because ``notify`` is idempotent on
(recipient, kind, event_key), sweeps may run as often as you like (cron every
hour, or the `send_reminders` task): each event is told once.

Registered so far: contacts (first contact due, pair quiet, end-of-match
survey) and mentors data read by contacts (supervision due, checks expiring).
The outcomes work registers "questionnaire due" the same way, in AppConfig.ready():

    from alongside.notifications.reminders import SWEEPS, ReminderSweep
    SWEEPS.register(ReminderSweep("questionnaire_due", my_sweep))
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone
from django_tasks import task

from alongside.hooks import Hook

log = logging.getLogger(__name__)

Sweep = Callable[[dt.datetime], int]


@dataclass(frozen=True)
class ReminderSweep:
    name: str  # the key of its count in reminders_send()'s result
    run: Sweep


SWEEPS: Hook[ReminderSweep] = Hook("reminder_sweeps", "a sweep that finds events and notifies")


def sweeps_by_name() -> dict[str, Sweep]:
    """The registered sweeps by name; a later registration of a name replaces an earlier one."""
    return {sweep.name: sweep.run for sweep in SWEEPS}


def reminders_send(now: dt.datetime | None = None) -> dict[str, int]:
    """Run every sweep; one failing sweep does not stop the others."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    for name, sweep in sorted(sweeps_by_name().items()):
        try:
            counts[name] = sweep(now)
        except Exception:
            log.exception("reminder sweep %s failed", name)
            counts[name] = -1
    return counts


@task()
def send_reminders() -> dict[str, int]:
    return reminders_send()
