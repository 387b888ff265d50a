"""Navigation for the roles the signed-in person holds."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from alongside.accounts import policy

# (order, label, url name, roles that see it). Apps add theirs with
# navigation_register() in their AppConfig.ready().
NAVIGATION: list[tuple[int, str, str, frozenset[str]]] = [
    (0, "Home", "accounts:home", policy.EVERYONE),
    (80, "Services", "organisations:list", policy.RULES["service.configure"]),
    (90, "Audit log", "audit:list", policy.RULES["audit.view"]),
    (95, "API tokens", "accounts:tokens", policy.EVERYONE),
]


def navigation_register(order: int, label: str, url_name: str, roles: frozenset[str]) -> None:
    entry = (order, label, url_name, frozenset(roles))
    if entry not in NAVIGATION:
        NAVIGATION.append(entry)
        NAVIGATION.sort(key=lambda item: item[0])


def navigation(request: HttpRequest) -> dict[str, Any]:
    held = policy.roles(request.user) if hasattr(request, "user") else set()
    links = []
    for _, label, url_name, roles in NAVIGATION:
        if held & roles:
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            links.append({"label": label, "url": url, "current": request.path == url})
    return {"nav_links": links, "demo_mode": settings.DEMO_MODE}
