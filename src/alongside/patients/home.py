"""Home-page panels: the therapist's overdue cases, the patient's own link."""

from __future__ import annotations

from typing import Any

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.patients import selectors

HOME_LIMIT = 20


def overdue_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    mine = selectors.patients_visible_to(request.user).filter(allocated_therapist=request.user)
    unallocated = selectors.patients_visible_to(request.user).filter(
        allocated_therapist__isnull=True
    )
    overdue_mine = selectors.longest_overdue_first(selectors.overdue_cases(mine))
    overdue_unallocated = selectors.longest_overdue_first(selectors.overdue_cases(unallocated))
    return {
        # The home page names the first few; the total says when there are more.
        "overdue_mine": overdue_mine[:HOME_LIMIT],
        "overdue_unallocated": overdue_unallocated[:HOME_LIMIT],
        "overdue_shown": min(len(overdue_mine), HOME_LIMIT)
        + min(len(overdue_unallocated), HOME_LIMIT),
        "overdue_total": len(overdue_mine) + len(overdue_unallocated),
        "new_referrals": selectors.patients_visible_to(request.user)
        .filter(status="referred")
        .count(),
    }


def patient_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"has_record": selectors.own_patient_records(request.user).exists()}
