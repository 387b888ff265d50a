"""Questionnaire pages: the patient's one-time link, the patient's own list, the
clinical team's outcomes page for a case, and the service's RTW outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.core.instruments import Instrument, instrument, instruments
from alongside.forms import service_errors_to_form
from alongside.organisations.selectors import service_for_or_404
from alongside.outcomes import charts, selectors, services
from alongside.outcomes.forms import (
    AnswersForm,
    CorrectionForm,
    LicenceForm,
    SustainedForm,
    TimePointForm,
)
from alongside.outcomes.models import EntryMode
from alongside.pages import messages_error
from alongside.patients.selectors import patient_for_or_404, service_today

LINK_PROBLEMS = {
    "unknown": (404, "This link does not work", "Check that the whole link was copied."),
    "used": (410, "This questionnaire has been answered", "Thank you: nothing more is needed."),
    "expired": (
        410,
        "This link has expired",
        "Links work for 14 days. Ask your vocational therapist for a new one.",
    ),
    "cancelled": (410, "This questionnaire is no longer needed", "Nothing more is needed."),
}


def _answer(
    request: HttpRequest,
    due,  # type: ignore[no-untyped-def]
    mode: str,
    *,
    done: Callable[[], HttpResponse],
    token: str | None = None,
    **extra: Any,
) -> HttpResponse:
    """The one answer page: send the answers, or save them to finish later.

    Used by the patient's link, the patient signed in and staff on their behalf;
    the service decides who may answer, so the three cannot drift apart.
    """
    definition = selectors.instrument_for(due.patient.service_id, due.instrument_id)
    draft = due.draft_answers or []
    initial = {f"item_{item.id}": a for item, a in zip(definition.items, draft, strict=False)}
    # Bound on any POST, even one with no fields: "nothing ticked" must reach the service.
    form = AnswersForm(
        definition, request.POST if request.method == "POST" else None, initial=initial
    )
    actor = request.user if request.user.is_authenticated else None
    saved = False
    if request.method == "POST" and form.is_valid():
        try:
            if "save" in request.POST:
                services.response_draft_save(
                    due=due, answers=form.answers(), mode=mode, actor=actor, token=token
                )
                saved = True
            else:
                services.response_submit(
                    due=due, answers=form.answers(), mode=mode, actor=actor, token=token
                )
                return done()
        except ValidationError as error:
            service_errors_to_form(form, error)
    return _render_answer(
        request, due, definition, form, saved=saved, can_save=mode != EntryMode.STAFF, **extra
    )


def _render_answer(
    request: HttpRequest,
    due,  # type: ignore[no-untyped-def]
    definition: Instrument,
    form: AnswersForm,
    **extra: Any,
) -> HttpResponse:
    correction = extra.get("correction")
    return render(
        request,
        "outcomes/answer.html",
        {"due": due, "instrument": definition, "form": form, "action": request.path, **extra},
        status=400 if form.errors or (correction is not None and correction.errors) else 200,
    )


def link_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer one questionnaire from a one-time link, without signing in."""
    state = selectors.link_state(token)
    if not state.usable:
        status, title, hint = LINK_PROBLEMS[state.problem]
        return render(
            request, "outcomes/link_problem.html", {"title": title, "hint": hint}, status=status
        )
    return _answer(
        request,
        state.link.due,  # type: ignore[union-attr]
        EntryMode.LINK,
        token=token,
        done=lambda: _to_thanks(request, state.link.due),  # type: ignore[union-attr]
    )


THANKS_CRISIS = "outcomes_thanks_crisis"


def _to_thanks(request: HttpRequest, due) -> HttpResponse:  # type: ignore[no-untyped-def]
    """To the thank-you page, carrying the service's crisis numbers in the session.

    The page is reached by redirect and knows no patient; the numbers (the same for every
    patient of the service) ride along in the session, so the address names nobody.
    """
    numbers = due.patient.service.crisis_numbers
    request.session[THANKS_CRISIS] = {
        "emergency": numbers.emergency,
        "crisis_line": numbers.crisis_line,
    }
    return redirect("outcomes_link:thanks")


def thanks(request: HttpRequest) -> HttpResponse:
    # No numbers (the page opened on its own): both countries' emergency numbers.
    return render(request, "outcomes/thanks.html", {"crisis": request.session.get(THANKS_CRISIS)})


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "outcomes/mine.html", {"rows": selectors.own_due_rows(request.user)})


@login_required
def own_answer(request: AuthenticatedHttpRequest, due_id: int) -> HttpResponse:
    due = selectors.own_due_or_404(request.user, due_id)
    return _answer(request, due, EntryMode.SIGNED_IN, done=lambda: _to_thanks(request, due))


@login_required
def patient_outcomes(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_or_404(request.user, patient_id, "outcome.view")
    responses = list(selectors.responses_of(request.user, patient))
    today = service_today(patient.service)
    return render(
        request,
        "outcomes/patient.html",
        {
            "patient": patient,
            "rows": selectors.due_rows(selectors.dues_of(request.user, patient), responses, today),
            "series": selectors.score_series(responses),
            "rtw": selectors.rtw_outcome_of(patient),
            "sustained": selectors.outcome_settings_of(patient.service),
            "new_link": request.session.pop("outcomes_new_link", None),
        },
    )


@login_required
@require_POST
def link_issue(request: AuthenticatedHttpRequest, due_id: int) -> HttpResponse:
    due = selectors.due_for_or_404(request.user, due_id)
    try:
        token = services.questionnaire_link_issue(actor=request.user, due=due)
    except ValidationError as error:
        messages_error(request, error)
    else:
        # Shown once on the next page, then gone: only its hash is stored.
        request.session["outcomes_new_link"] = {
            "url": request.build_absolute_uri(reverse("outcomes_link:link", args=[token])),
            "instrument": instrument(due.instrument_id).short_title,
        }
    return redirect("outcomes:patient", patient_id=due.patient_id)


@login_required
def enter_answers(request: AuthenticatedHttpRequest, due_id: int) -> HttpResponse:
    due = selectors.due_for_or_404(request.user, due_id)

    def done() -> HttpResponse:
        title = instrument(due.instrument_id).short_title
        messages.success(request, f"The {title} answers are recorded.")
        return redirect("outcomes:patient", patient_id=due.patient_id)

    return _answer(request, due, EntryMode.STAFF, done=done, on_behalf=True)


@login_required
def correct_answers(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    response = get_object_or_404(
        selectors.responses_visible_to(request.user, "outcome.enter"), pk=response_id
    )
    definition = selectors.instrument_for(response.patient.service_id, response.instrument_id)
    pairs = zip(definition.items, response.answers, strict=True)
    initial = {f"item_{item.id}": answer for item, answer in pairs}
    form = AnswersForm(definition, request.POST or None, initial=initial)
    reason = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and reason.is_valid():
        try:
            services.response_correct(
                actor=request.user,
                response=response,
                answers=form.answers(),
                reason=reason.cleaned_data["reason"],
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, "The corrected answers are recorded; the old ones are kept.")
            return redirect("outcomes:patient", patient_id=response.patient_id)
    return _render_answer(
        request, response.due, definition, form, correction=reason, on_behalf=True
    )


@login_required
def service_outcomes(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    rtw = selectors.service_rtw(service)
    return render(
        request,
        "outcomes/service.html",
        {
            "service": service,
            "rtw": rtw,
            "table": charts.km_table(rtw.curve),
            "can_configure": policy.can(request.user, "outcome.configure", service),
        },
    )


@charts.image_policy
@login_required
def service_rtw_chart(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    return charts.svg_response(charts.km_chart(selectors.service_rtw(service).curve, service.name))


@login_required
def schedule(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The service manager's questionnaire settings: what each time point asks, licences."""
    service = service_for_or_404(request.user, slug, "outcome.configure")
    time_points = services.time_points_ensure(service=service)
    usable = selectors.usable_instrument_ids(service)
    choices = [(i, instrument(i).title) for i in usable]
    forms = {
        tp.pk: TimePointForm(
            choices,
            request.POST if request.POST.get("time_point") == str(tp.pk) else None,
            initial={"instruments": tp.instruments},
            prefix=f"tp{tp.pk}",
        )
        for tp in time_points
    }
    for tp in time_points:
        form = forms[tp.pk]
        if form.is_bound and form.is_valid():
            try:
                services.time_point_instruments_set(
                    actor=request.user,
                    time_point=tp,
                    instrument_ids=form.cleaned_data["instruments"],
                )
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, f"{tp.label}: saved.")
                return redirect("outcomes:schedule", slug=slug)
    current = selectors.outcome_settings_of(service)
    sustained = SustainedForm(
        request.POST if "sustained_weeks" in request.POST else None,
        initial={
            "sustained_weeks": current.sustained_weeks,
            "sustained_percent": current.sustained_percent,
        },
    )
    if sustained.is_bound and sustained.is_valid():
        services.outcome_settings_update(
            actor=request.user, service=service, **sustained.cleaned_data
        )
        messages.success(request, "The definition of a sustained return to work is saved.")
        return redirect("outcomes:schedule", slug=slug)
    licensed = [d for d in instruments().values() if d.licensed]
    return render(
        request,
        "outcomes/schedule.html",
        {
            "service": service,
            "rows": [(tp, forms[tp.pk]) for tp in time_points],
            "licensed": [(d, d.id in usable) for d in licensed],
            "sustained": sustained,
        },
        status=400 if sustained.errors or any(f.errors for f in forms.values()) else 200,
    )


@login_required
def licence(request: AuthenticatedHttpRequest, slug: str, instrument_id: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "outcome.configure")
    definition = instruments().get(instrument_id)
    if definition is None or not definition.licensed:
        raise Http404("Not found")
    form = LicenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_licence_record(
                actor=request.user,
                service=service,
                instrument_id=instrument_id,
                licence=form.cleaned_data["licence"],
                item_texts=form.texts(),
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, f"The {definition.short_title} can now be asked.")
            return redirect("outcomes:schedule", slug=slug)
    return render(
        request,
        "outcomes/licence.html",
        {"service": service, "instrument": definition, "form": form},
        status=400 if form.errors else 200,
    )
