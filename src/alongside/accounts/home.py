"""The role home page is made of panels that each app contributes.

An app registers its panels (``PANELS.register(HomePanel(...))``) in its
AppConfig.ready(); the home view shows the panels of every role the person holds,
so no app edits another's view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.hooks import Hook


@dataclass(frozen=True)
class HomePanel:
    role: str
    template: str
    order: int = 100
    context: Callable[[AuthenticatedHttpRequest], dict[str, Any]] = field(
        default=lambda request: {}
    )
    # Urgent panels (a risk to someone's safety) come before everything else on the page.
    urgent: bool = False


PANELS: Hook[HomePanel] = Hook("home_panels", "a panel on a role's home page")


def panels_for(request: AuthenticatedHttpRequest, roles: list[str]) -> list[dict[str, Any]]:
    chosen = sorted(
        (p for p in PANELS if p.role in roles), key=lambda p: (roles.index(p.role), p.order)
    )
    # A panel registered for several roles (therapist and manager) shows once.
    seen: set[tuple[str, Any]] = set()
    unique = []
    for panel in chosen:
        if (panel.template, panel.context) not in seen:
            seen.add((panel.template, panel.context))
            unique.append(panel)
    chosen = sorted(unique, key=lambda p: not p.urgent)  # stable: urgent first, order kept
    return [{"template": p.template, "urgent": p.urgent, **p.context(request)} for p in chosen]
