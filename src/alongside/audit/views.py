from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from alongside.audit.selectors import audit_action_filter, audit_events_for_list
from alongside.paging import page_of
from alongside.reports import lists


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    if file := lists.require_or_file(request, "audit"):
        return file
    action = audit_action_filter(request.GET)
    page = page_of(request, audit_events_for_list(request.user, action))
    return render(request, "audit/list.html", {"page": page, "action": action})
