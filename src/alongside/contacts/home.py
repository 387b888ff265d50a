"""Home-page panels: the therapist's open concerns and quiet pairs; the mentor's pairs."""

from __future__ import annotations

from typing import Any

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.contacts import pair_states, selectors


def therapist_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    quiet_pairs, quiet_total = pair_states.needing_attention_for(request.user)
    return {
        "open_concerns": selectors.open_concerns_for(request.user),
        "quiet_pairs": quiet_pairs,
        "quiet_more": quiet_total - len(quiet_pairs),
    }


def urgent_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"concerns": selectors.urgent_concerns_for(request.user)}


def mentor_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"pairs": [p for p in selectors.mentor_pairs(request.user) if p.can_log or p.survey_due]}
