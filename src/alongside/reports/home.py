"""The analyst's home-page panel: the reports of each service they work in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alongside.accounts import policy
from alongside.organisations.selectors import services_visible_to


def analyst_panel(request: HttpRequest) -> dict[str, Any]:
    services = [
        s
        for s in services_visible_to(request.user, "report.view")
        if policy.ANALYST in policy.roles(request.user, s.pk)
    ]
    research = set(policy.service_ids(request.user, "research.view"))
    return {"services": [(s, s.pk in research) for s in services]}
