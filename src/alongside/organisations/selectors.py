from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from alongside.organisations.models import Service


def services_visible_to(user, action: str = "service.view") -> QuerySet[Service]:  # type: ignore[no-untyped-def]
    return Service.objects.visible_to(user, action)


def service_for_or_404(user, slug: str, action: str = "service.view") -> Service:  # type: ignore[no-untyped-def]
    return get_object_or_404(services_visible_to(user, action), slug=slug)


def closed_days(service: Service, years: range) -> frozenset[date]:
    """Days the service is closed in ``years``: its country's (and subdivision's)
    public holidays and the closure days it added."""
    from alongside.core.targets import public_holidays

    try:
        public = public_holidays(service.country, service.subdivision, years)
    except ValueError:
        public = frozenset()  # a calendar the package does not know: weekends only
    added = service.closure_days.filter(on__year__gte=years.start, on__year__lt=years.stop)
    return public | frozenset(added.values_list("on", flat=True))


def closure_days_of(service: Service):  # type: ignore[no-untyped-def]
    """The service's own closure days from a year ago on (older ones no longer count)."""
    from django.utils import timezone

    since = timezone.localdate().replace(month=1, day=1)
    return service.closure_days.filter(on__gte=since.replace(year=since.year - 1))
