"""Navigation for the roles the signed-in person holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from alongside.accounts import policy
from alongside.hooks import Hook


@dataclass(frozen=True)
class NavLink:
    order: int
    label: str
    url_name: str
    roles: frozenset[str]


# Apps add their links with NAVIGATION.register(NavLink(...)) in AppConfig.ready().
NAVIGATION: Hook[NavLink] = Hook("navigation", "a link in the top navigation, for some roles")
for _link in (
    NavLink(0, "Home", "accounts:home", policy.EVERYONE),
    NavLink(80, "Settings", "organisations:list", policy.RULES["service.configure"]),
    NavLink(90, "Audit log", "audit:list", policy.RULES["audit.view"]),
    NavLink(95, "API tokens", "accounts:tokens", policy.EVERYONE),
):
    NAVIGATION.register(_link)


def navigation(request: HttpRequest) -> dict[str, Any]:
    held = policy.roles(request.user) if hasattr(request, "user") else set()
    links = []
    for link in sorted(NAVIGATION, key=lambda link: link.order):
        if held & link.roles:
            try:
                url = reverse(link.url_name)
            except NoReverseMatch:
                continue
            links.append({"label": link.label, "url": url, "current": request.path == url})
    return {"nav_links": links, "demo_mode": settings.DEMO_MODE}
