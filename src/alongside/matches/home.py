"""Home-page panels for matching (registered in MatchesConfig.ready)."""

from __future__ import annotations

from typing import Any

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.matches import selectors


def staff_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {
        "review_matches": selectors.matches_needing_review(request.user),
        "introduce_matches": selectors.matches_awaiting_introduction(request.user),
    }


def mentor_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"mentees": selectors.mentees_visible_to(request.user)}


def patient_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"mentor_cards": selectors.my_mentor_cards(request.user)}


def my_mentor_section(request: AuthenticatedHttpRequest, patient: Any) -> dict[str, Any] | None:
    """The "My peer mentor" section of the patient's own page (patients.views hook)."""
    cards = [c for c in selectors.my_mentor_cards(request.user) if c.match.patient_id == patient.pk]
    return {"template": "matches/_my_mentor_section.html", "cards": cards}
