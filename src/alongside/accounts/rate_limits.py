"""Counting requests per key in a fixed window, shared by every web worker.

The counts live in the ``rate_limits`` cache, which is the database (see
settings.CACHES), so several gunicorn workers and machines see one count.
Keys are hashed: the cache table never holds an e-mail or IP address.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import caches


def spend(scope: str, subject: str, *, limit: int, window_seconds: int) -> bool:
    """Count one request; False when more than ``limit`` fall in the current window."""
    return retry_after(scope, subject, limit=limit, window_seconds=window_seconds) == 0


def retry_after(scope: str, subject: str, *, limit: int, window_seconds: int) -> int:
    """Count one request; 0 when it is within ``limit`` for the current window, else
    the whole seconds until the window ends (for a ``Retry-After`` header, at least 1).

    The read and write are not one atomic step, so two requests racing may both
    pass near the limit; a limit off by a request or two is acceptable here.
    """
    cache = caches["rate_limits"]
    key = f"{scope}:" + hashlib.sha256(subject.encode()).hexdigest()
    now = time.time()
    started, count = cache.get(key) or (now, 0)
    if now - started >= window_seconds:
        started, count = now, 0
    count += 1
    remaining = started + window_seconds - now
    cache.set(key, (started, count), timeout=max(1, int(remaining) + 1))
    # Rounded before the ceiling: float noise in the timestamps (a few microseconds) must
    # not turn "20 s left" into a Retry-After of 21.
    return 0 if count <= limit else max(1, math.ceil(round(remaining, 3)))
