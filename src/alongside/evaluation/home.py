"""The analyst's home-page panel: the studies they are on."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alongside.evaluation import selectors


def analyst_panel(request: HttpRequest) -> dict[str, Any]:
    return {"studies": list(selectors.studies_visible_to(request.user))}
