from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from alongside.organisations.models import Service


def services_visible_to(user, action: str = "service.view") -> QuerySet[Service]:  # type: ignore[no-untyped-def]
    return Service.objects.visible_to(user, action)


def service_for_or_404(user, slug: str, action: str = "service.view") -> Service:  # type: ignore[no-untyped-def]
    return get_object_or_404(services_visible_to(user, action), slug=slug)
