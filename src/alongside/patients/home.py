"""Home-page panels: the therapist's overdue cases, the patient's own link."""

from __future__ import annotations

from typing import Any

from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.patients import selectors


def overdue_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    mine = selectors.patients_visible_to(request.user).filter(allocated_therapist=request.user)
    unallocated = selectors.patients_visible_to(request.user).filter(
        allocated_therapist__isnull=True
    )
    return {
        "overdue_mine": selectors.overdue_cases(mine)[:20],
        "overdue_unallocated": selectors.overdue_cases(unallocated)[:20],
        "new_referrals": selectors.patients_visible_to(request.user)
        .filter(status="referred")
        .count(),
    }


def patient_panel(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {"has_record": selectors.own_patient_records(request.user).exists()}
