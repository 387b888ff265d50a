from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.forms import service_errors_to_form
from alongside.organisations import selectors, services
from alongside.organisations.forms import ClosureDaysForm, ServiceCreateForm, ServiceSettingsForm


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


# Every setting a service manager may change, in the order a new service sets them up:
# (heading, [(label, url name, takes the service id instead of its slug, what it affects)]).
SETTINGS_SECTIONS = (
    (
        "The service",
        [
            (
                "Service details and targets",
                "organisations:settings",
                False,
                "Name, time zone, public-holiday calendar, code sets, crisis numbers and the "
                "early-intervention targets (first contact, mentor introduced).",
            ),
            (
                "Closure days",
                "organisations:closures",
                False,
                "Days the service is closed beyond public holidays; targets count working days.",
            ),
            (
                "People and roles",
                "accounts:people",
                False,
                "Who can sign in to the service, and what each person may do.",
            ),
        ],
    ),
    (
        "Referrals",
        [
            (
                "Eligibility rules",
                "patients:rules",
                False,
                "Who the service accepts: age, Injury Severity Score, work before injury, and "
                "the trial presets (EIVRS, ROWTATE).",
            ),
        ],
    ),
    (
        "Peer mentors",
        [
            (
                "Selection criteria",
                "mentors:criteria",
                False,
                "What a mentor must meet before they become active.",
            ),
            (
                "Training modules",
                "mentors:modules",
                False,
                "Training a mentor completes, and redoes when it lapses, to be matched.",
            ),
            (
                "Check renewal periods",
                "mentors:renewals",
                False,
                "How often each kind of check is redone when it carries no expiry date.",
            ),
        ],
    ),
    (
        "Matching and contact",
        [
            (
                "Matching weights",
                "matches:weights",
                False,
                "How much each kind of similarity counts when mentors are ranked.",
            ),
            (
                "Engagement",
                "contacts:settings",
                True,
                "When a first contact is due and when a quiet pair is flagged.",
            ),
        ],
    ),
    (
        "Messages and records",
        [
            (
                "Your notifications",
                "notifications:preferences",
                None,
                "How you are told about things (in the app, e-mail, text message).",
            ),
            (
                "How long records are kept",
                "privacy:retention",
                False,
                "Retention periods: how many years after discharge records are kept.",
            ),
            (
                "Records past retention and erasure",
                "privacy:erasures",
                None,
                "Records kept past their retention period, and requests to erase them.",
            ),
        ],
    ),
)


@login_required
def service_hub(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """One page that links every setting of the service."""
    from django.urls import NoReverseMatch, reverse

    service = selectors.service_for_or_404(request.user, slug, "service.configure")
    sections = []
    for heading, links in SETTINGS_SECTIONS:
        items = []
        for label, url_name, by_id, affects in links:
            args = [] if by_id is None else [service.pk if by_id else service.slug]
            try:
                url = reverse(url_name, args=args)
            except NoReverseMatch:  # an app that is not installed in this deployment
                continue
            items.append({"label": label, "url": url, "affects": affects})
        sections.append({"heading": heading, "links": items})
    return render(request, "organisations/hub.html", {"service": service, "sections": sections})


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


@login_required
def closures(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The service's own closure days: targets count working days, so these move them."""
    service = selectors.service_for_or_404(request.user, slug, "service.configure")
    form = ClosureDaysForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            days = services.closure_days_add(
                actor=request.user, service=service, **form.cleaned_data
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, f"Closed on {len(days)} day{'s' if len(days) != 1 else ''}.")
            return redirect("organisations:closures", slug=slug)
    return render(
        request,
        "organisations/closures.html",
        {"service": service, "form": form, "closures": selectors.closure_days_of(service)},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def closure_remove(request: AuthenticatedHttpRequest, slug: str, closure_id: int) -> HttpResponse:
    service = selectors.service_for_or_404(request.user, slug, "service.configure")
    services.closure_day_remove(actor=request.user, service=service, closure_id=closure_id)
    messages.success(request, "Closure day removed.")
    return redirect("organisations:closures", slug=slug)
