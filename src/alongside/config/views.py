from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Min, Q
from django.db.utils import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
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


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 ok; 200 degraded when the task queue has stalled; 503 when the database is down.

    A stalled queue answers 200 on purpose: the web node itself is serving, and a
    load balancer that dropped it would take the site down without restarting the
    worker. Monitors alert on ``status == "degraded"`` instead.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        queue = stalled_queue()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "not answering"}, status=503)
    if queue is not None:
        return JsonResponse({"status": "degraded", "queue": queue})
    return JsonResponse({"status": "ok"})
