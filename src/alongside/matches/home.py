"""Home-page panels for matching (registered in MatchesConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alongside.matches import selectors


def staff_panel(request: HttpRequest) -> dict[str, Any]:
    return {
        "review_matches": selectors.matches_needing_review(request.user),
        "introduce_matches": selectors.matches_awaiting_introduction(request.user),
    }


def mentor_panel(request: HttpRequest) -> dict[str, Any]:
    return {"mentees": selectors.mentees_visible_to(request.user)}


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    return {"mentor_cards": selectors.my_mentor_cards(request.user)}
