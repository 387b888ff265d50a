"""Times and dates shown in the service's own time zone, labelled where it matters.

``{{ concern.raised_at|service_time:concern.service }}`` -> "1 Dec 2026, 21:58 AEDT";
``{{ contact.contact_at|service_date:match.service }}`` -> "1 Dec 2026". Without a
service (or with an unknown zone) the request's active time zone is used, which
``ServiceTimeZoneMiddleware`` sets to the person's service zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import template
from django.utils import timezone

register = template.Library()


def _zone(service: Any) -> dt.tzinfo:
    name = getattr(service, "time_zone", "") or ""
    if name:
        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            pass
    return timezone.get_current_timezone()


def _local(value: Any, service: Any) -> dt.datetime | None:
    if not isinstance(value, dt.datetime):
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, dt.UTC)
    return value.astimezone(_zone(service))


@register.filter
def service_time(value: Any, service: Any = None) -> str:
    local = _local(value, service)
    if local is None:
        return "" if value is None else str(value)
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname()}"


@register.filter
def service_date(value: Any, service: Any = None) -> str:
    if isinstance(value, dt.datetime):
        local = _local(value, service)
        assert local is not None
        value = local.date()
    if isinstance(value, dt.date):
        return f"{value.day} {value:%b %Y}"
    return "" if value is None else str(value)


@register.filter
def service_iso_date(value: Any, service: Any = None) -> str:
    """The local date as YYYY-MM-DD, for <input type="date"> values."""
    if isinstance(value, dt.datetime):
        local = _local(value, service)
        assert local is not None
        return local.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
