"""The role home page is made of panels that each app contributes.

An app registers its panels in its AppConfig.ready(); the home view shows the
panels of every role the person holds, so no app edits another's view.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomePanel:
    role: str
    template: str
    order: int = 100
    context: Callable[[HttpRequest], dict[str, Any]] = field(default=lambda request: {})


PANELS: list[HomePanel] = []


def register(panel: HomePanel) -> None:
    if panel not in PANELS:
        PANELS.append(panel)


def panels_for(request: HttpRequest, roles: list[str]) -> list[dict[str, Any]]:
    chosen = sorted(
        (p for p in PANELS if p.role in roles), key=lambda p: (roles.index(p.role), p.order)
    )
    return [{"template": p.template, **p.context(request)} for p in chosen]
