"""When a notification may go out: quiet hours and retry back-off. Pure (no Django)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

# A failed send is retried after 1, 2, 4, 8 … minutes, never waiting more than six hours,
# and given up after MAX_ATTEMPTS tries (about a day and a half in all).
BACKOFF_BASE_SECONDS = 60
BACKOFF_CAP_SECONDS = 6 * 60 * 60
MAX_ATTEMPTS = 12


def backoff_delay(attempt: int) -> dt.timedelta:
    """Wait before retry number ``attempt`` (1 = the first retry after the first failure)."""
    if attempt < 1:
        raise ValueError("attempt counts from 1")
    seconds = BACKOFF_BASE_SECONDS * 2 ** min(attempt - 1, 30)
    return dt.timedelta(seconds=min(seconds, BACKOFF_CAP_SECONDS))


def backoff_schedule(attempts: int = MAX_ATTEMPTS - 1) -> list[dt.timedelta]:
    return [backoff_delay(n) for n in range(1, attempts + 1)]


def in_quiet_hours(local: dt.time, start: dt.time | None, end: dt.time | None) -> bool:
    """Is ``local`` inside the window [start, end)? The window may span midnight
    (22:00–07:00). No window, or start == end, means never quiet."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_hours_end(
    now: dt.datetime, start: dt.time | None, end: dt.time | None, time_zone: str
) -> dt.datetime | None:
    """The moment (aware, in UTC) the recipient's quiet hours end, or None when
    ``now`` is not in quiet hours. ``now`` must be timezone-aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    if end is None or not in_quiet_hours(local.time().replace(tzinfo=None), start, end):
        return None
    day = local.date()
    if local.time().replace(tzinfo=None) >= end:
        day += dt.timedelta(days=1)
    candidate = dt.datetime.combine(day, end, tzinfo=zone)
    # Round-trip through UTC so a wall time skipped or doubled by a DST change resolves.
    return candidate.astimezone(dt.UTC)
