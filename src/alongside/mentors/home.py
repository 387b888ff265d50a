"""Home-page panels: what needs a therapist's or manager's attention; the mentor's prompt."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.mentors import selectors


def staff_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    user = request.user
    return {
        "today": today,
        "flagged": selectors.flagged_checkins_for(user),
        "debriefs": selectors.debriefs_to_arrange_for(user),
        "overdue": selectors.supervision_overdue_for(user, today),
        "expiring": selectors.checks_expiring_for(user, today),
    }


def mentor_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    records = selectors.own_mentor_records(request.user)
    if not records:
        return {"record": None}
    mentoring = selectors.own_mentoring(request.user, records[0], today)
    return {"record": records[0], "checkin_due": mentoring["checkin_due"]}


def admin_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    """The same panel for managers, unless they also work as a therapist (shown once)."""
    from alongside.accounts import policy

    if policy.has_role(request.user, policy.THERAPIST):
        return {"skip": True}
    return staff_panel(request)
