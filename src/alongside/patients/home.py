"""Home-page panels: the therapist's overdue cases, the patient's own link."""

from __future__ import annotations

from typing import Any

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.patients import selectors

HOME_LIMIT = 20


def _most_late(case: tuple[Any, list[Any]]) -> Any:
    _, targets = case
    return min(t.due_on for t in targets)


def overdue_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    mine = selectors.patients_visible_to(request.user).filter(allocated_therapist=request.user)
    unallocated = selectors.patients_visible_to(request.user).filter(
        allocated_therapist__isnull=True
    )
    # Longest overdue first, so the cases the page leaves out are the least late.
    overdue_mine = sorted(selectors.overdue_cases(mine), key=_most_late)
    overdue_unallocated = sorted(selectors.overdue_cases(unallocated), key=_most_late)
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
