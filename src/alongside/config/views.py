from __future__ import annotations

from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from alongside.config.selectors import stalled_queue


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
