"""Thin views for contacts: parse, call a selector or a service, render."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.contacts import pair_states, selectors, services
from alongside.contacts.forms import (
    ConcernAcknowledgeForm,
    ConcernCloseForm,
    ContactForm,
    EngagementSettingsForm,
    SurveyForm,
    concern_status_filter,
    pair_filters,
)
from alongside.contacts.models import ConcernStatus
from alongside.core.crisis import URGENT_CONCERN_KINDS
from alongside.core.engagement import STATE_LABELS
from alongside.forms import service_errors_to_form
from alongside.pages import form_post, render_page
from alongside.paging import page_of
from alongside.reports import lists

FIELD_ALIASES = {"contact_at": "contact_date", "duration_minutes": "duration_other"}


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The mentor's pairs with their engagement badge and a big "Log a contact" button."""
    policy.require(request.user, "contact.own")
    return render(request, "contacts/mine.html", {"pairs": selectors.mentor_pairs(request.user)})


@login_required
def contact_log(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.match_for_logging_or_404(request.user, match_id)
    closed = selectors.contact_logging_closed_reason(match)
    if closed:
        # No form to fill in; a POST is refused here as the service would refuse it.
        return render(
            request,
            "contacts/log.html",
            {"closed": closed, "match": match, "label": selectors.match_label(request.user, match)},
            status=409 if request.method == "POST" else 200,
        )
    settings = services.engagement_settings_for(match.service_id)
    zone = match.service.time_zone
    now = timezone.now().astimezone(ZoneInfo(zone))
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        topics=settings.topics,
        time_zone=zone,
        initial={"contact_date": now.date(), "contact_time": now.strftime("%H:%M")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_log(
                actor=request.user,
                match=match,
                contact_at=data.get("contact_at"),
                mode=data["mode"],
                duration_minutes=data["duration_minutes"],
                topics=data["topics"],
                reflection=data["reflection"],
                concern_kind=data.get("concern_kind") or "",
                concern_description=data.get("concern_description") or "",
            )
        except ValidationError as error:
            service_errors_to_form(form, error, FIELD_ALIASES)
        else:
            if data.get("concern_kind") in URGENT_CONCERN_KINDS:
                messages.success(
                    request,
                    "Contact saved. Your supervising therapist has been told about your "
                    "concern straight away.",
                )
                return redirect("contacts:crisis", match_id=match.pk)
            if data.get("concern_kind"):
                messages.success(
                    request,
                    "Contact saved. Your supervising therapist has been told about your "
                    "concern straight away.",
                )
            else:
                messages.success(request, "Contact saved. Thank you.")
            if selectors.is_staff_for(request.user, match):
                return redirect("contacts:match", match_id=match.pk)
            return redirect("contacts:mine")
    return render(
        request,
        "contacts/log.html",
        {
            "form": form,
            "match": match,
            "label": selectors.match_label(request.user, match),
            "crisis": selectors.crisis_contacts_for(match),
        },
        status=400 if form.errors else 200,
    )


@login_required
def crisis(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    """After a risk concern is saved: the numbers again, and what happens next."""
    match = selectors.match_for_contacts_or_404(request.user, match_id)
    return render(
        request,
        "contacts/crisis.html",
        {
            "match": match,
            "crisis": selectors.crisis_contacts_for(match),
            "is_staff": selectors.is_staff_for(request.user, match),
        },
    )


@login_required
def contact_edit(request: AuthenticatedHttpRequest, contact_id: int) -> HttpResponse:
    contact = selectors.contact_for_edit_or_404(request.user, contact_id)
    match = selectors.match_for_contacts_or_404(request.user, contact.match_id)
    zone = ZoneInfo(match.service.time_zone)
    local = contact.contact_at.astimezone(zone)
    may_reflect = policy.may_see_reflection(request.user, match)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        topics=services.engagement_settings_for(match.service_id).topics,
        time_zone=match.service.time_zone,
        with_concern=False,
        initial={
            "contact_date": local.date(),
            "contact_time": local.strftime("%H:%M"),
            "mode": contact.mode,
            "duration_other": contact.duration_minutes,
            "topics": contact.topics,
            "reflection": contact.reflection if may_reflect else "",
        },
    )
    if not may_reflect:
        del form.fields["reflection"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values: dict[str, Any] = {
            "contact_at": data.get("contact_at"),
            "mode": data["mode"],
            "duration_minutes": data["duration_minutes"],
            "topics": data["topics"],
        }
        if may_reflect:
            values["reflection"] = data["reflection"]
        try:
            services.contact_edit(actor=request.user, contact=contact, values=values)
        except ValidationError as error:
            service_errors_to_form(form, error, FIELD_ALIASES)
        else:
            messages.success(request, "Contact updated. The earlier version is kept.")
            return redirect("contacts:match", match_id=match.pk)
    return render(
        request,
        "contacts/edit.html",
        {"form": form, "match": match, "contact": contact},
        status=400 if form.errors else 200,
    )


@login_required
def match_contacts(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    """One pair's contact history and engagement measures."""
    match = selectors.match_for_contacts_or_404(request.user, match_id)
    staff = selectors.is_staff_for(request.user, match)
    measures = selectors.engagement_for_matches([match]).get(match.pk)
    return render(
        request,
        "contacts/match.html",
        {
            "match": match,
            "staff": staff,
            "label": selectors.match_label(request.user, match),
            "engagement": measures,
            "history": selectors.contact_history(request.user, match),
            "see_reflection": policy.may_see_reflection(request.user, match),
            "can_log": (match.status == "active" or staff) and match.patient_shares,  # type: ignore[attr-defined]
        },
    )


@login_required
def pairs(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff: every active pair with its engagement badge, those needing attention first."""
    if file := lists.require_or_file(request, "pairs"):
        return file
    filters = pair_filters(request.GET)
    state, mine_only, needs_attention = filters.state, filters.mine_only, filters.needs_attention
    pairs = pair_states.staff_pairs_queryset(
        request.user, state=state, mine_only=mine_only, needs_attention=needs_attention
    )
    page = page_of(request, pairs)
    rows, mentors = pair_states.page_rows_and_mentors(
        request.user,
        list(page.object_list),
        state=state,
        mine_only=mine_only,
        needs_attention=needs_attention,
    )
    return render(
        request,
        "contacts/pairs.html",
        {
            "rows": rows,
            "page": page,
            "state": state,
            "mine_only": mine_only,
            "needs_attention": needs_attention,
            "states": STATE_LABELS.items(),
            "mentors": mentors,
        },
    )


@login_required
def concerns(request: AuthenticatedHttpRequest) -> HttpResponse:
    if file := lists.require_or_file(request, "concerns"):
        return file
    status = concern_status_filter(request.GET)
    page = page_of(request, selectors.concerns_for_staff(request.user, status))
    return render_page(
        request,
        "contacts/concerns.html",
        "contacts/_concerns.html",
        {
            "page": page,
            "concerns": page.object_list,
            "status": status,
            "statuses": ConcernStatus.choices,
        },
    )


@login_required
def concern_detail(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for_staff_or_404(request.user, concern_id)
    return _concern_page(request, concern)


def _concern_page(
    request: HttpRequest,
    concern: Any,
    acknowledge: ConcernAcknowledgeForm | None = None,
    close: ConcernCloseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    match = concern.contact.match
    return render(
        request,
        "contacts/concern.html",
        {
            "concern": concern,
            "match": match,
            "see_reflection": policy.may_see_reflection(request.user, match),
            "acknowledge_form": acknowledge or ConcernAcknowledgeForm(),
            "close_form": close or ConcernCloseForm(),
        },
        status=status,
    )


@login_required
@require_POST
def concern_acknowledge(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for_staff_or_404(request.user, concern_id)
    return form_post(
        request,
        ConcernAcknowledgeForm(request.POST),
        lambda d: services.concern_acknowledge(
            actor=request.user, concern=concern, debrief_on=d["debrief_on"]
        ),
        done="Concern acknowledged.",
        success_url=reverse("contacts:concern", kwargs={"concern_id": concern.pk}),
        reshow=lambda form: _concern_page(request, concern, acknowledge=form, status=400),
        aliases=FIELD_ALIASES,
    )


@login_required
@require_POST
def concern_close(request: AuthenticatedHttpRequest, concern_id: int) -> HttpResponse:
    concern = selectors.concern_for_staff_or_404(request.user, concern_id)
    return form_post(
        request,
        ConcernCloseForm(request.POST),
        lambda d: services.concern_close(
            actor=request.user, concern=concern, action_taken=d["action_taken"]
        ),
        done="Concern closed.",
        success_url=reverse("contacts:concerns"),
        reshow=lambda form: _concern_page(request, concern, close=form, status=400),
        aliases=FIELD_ALIASES,
    )


@login_required
def engagement_settings(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    service = selectors.service_for_settings_or_404(request.user, service_id)
    current = services.engagement_settings_for(service.pk)
    form = EngagementSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "first_contact_days": current.first_contact_days,
            "check_in_after_days": current.check_in_after_days,
            "quiet_after_days": current.quiet_after_days,
            "topics": "\n".join(current.topics),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.engagement_settings_save(
                actor=request.user,
                service=service,
                first_contact_days=data["first_contact_days"],
                check_in_after_days=data["check_in_after_days"],
                quiet_after_days=data["quiet_after_days"],
                topics=data["topics"].splitlines(),
            )
        except ValidationError as error:
            service_errors_to_form(form, error, FIELD_ALIASES)
        else:
            messages.success(request, "Engagement settings saved.")
            return redirect("contacts:settings", service_id=service.pk)
    return render(
        request,
        "contacts/settings.html",
        {"form": form, "service": service},
        status=400 if form.errors else 200,
    )


@login_required
def survey(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match, role = selectors.survey_match_or_404(request.user, match_id)
    if selectors.survey_answered(match, role):
        return render(request, "contacts/survey_done.html", {"match": match})
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_submit(actor=request.user, match=match, **form.cleaned_data)
        except ValidationError as error:
            service_errors_to_form(form, error, FIELD_ALIASES)
        else:
            return render(request, "contacts/survey_done.html", {"match": match})
    return render(
        request,
        "contacts/survey.html",
        {"form": form, "match": match, "role": role},
        status=400 if form.errors else 200,
    )
