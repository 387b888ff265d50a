from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.forms import service_errors_to_form
from alongside.organisations import selectors, services
from alongside.organisations.forms import ServiceCreateForm, ServiceSettingsForm


@login_required
def service_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "service.configure")
    services_ = selectors.services_visible_to(request.user, "service.configure")
    return render(request, "organisations/list.html", {"services": services_})


@login_required
def service_settings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_or_404(request.user, slug, "service.configure")
    form = ServiceSettingsForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.service_for_or_404(request.user, slug, "service.configure")
        services.service_update(actor=request.user, service=fresh, changes=form.cleaned_data)
        messages.success(request, "Service settings saved.")
        return redirect("organisations:settings", slug=slug)
    return render(
        request,
        "organisations/settings.html",
        {"service": service, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def service_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A superuser creates a service and invites its first manager (as create_service does)."""
    if not (request.user.is_active and request.user.is_superuser):
        raise Http404("Not found")
    form = ServiceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(
                request,
                f"{service.name} created; {form.cleaned_data['manager_email']} has been invited.",
            )
            return redirect("organisations:create")
    return render(
        request,
        "organisations/create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
