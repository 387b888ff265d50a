from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alongside.accounts import policy
from alongside.audit.selectors import audit_events_visible_to
from alongside.paging import page_of


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "audit.view")
    events = audit_events_visible_to(request.user)
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action=action)
    page = page_of(request, events)
    return render(request, "audit/list.html", {"page": page, "action": action})
