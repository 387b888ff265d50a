"""Reads about the running site itself (the task queue), for the health check."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max


def stalled_queue() -> dict[str, Any] | None:
    """The task queue's state when its oldest ready task has waited too long, else None.

    A task is ready from when it was enqueued or, if it was scheduled, from its
    ``run_after``; it stalls when no worker has taken it for
    ``ALONGSIDE_QUEUE_STALL_MINUTES`` (a dead or stuck worker).
    """
    limit = settings.ALONGSIDE_QUEUE_STALL_MINUTES
    now = timezone.now()
    cutoff = now - dt.timedelta(minutes=limit)
    stalled = DBTaskResult.objects.ready().filter(
        Q(run_after=get_date_max()) | Q(run_after__lte=cutoff), enqueued_at__lte=cutoff
    )
    oldest = stalled.aggregate(oldest=Min("enqueued_at"))["oldest"]
    if oldest is None:
        return None
    return {
        "stalled_tasks": stalled.count(),
        "oldest_minutes": int((now - oldest).total_seconds() // 60),
        "stall_minutes": limit,
    }
