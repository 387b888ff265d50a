"""Questionnaire pages: the patient's one-time link, the patient's own list, the
clinical team's outcomes page for a case, and the service's RTW outcomes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alongside.core.instruments import instrument
from alongside.forms import service_errors_to_form
from alongside.organisations.selectors import service_for_or_404
from alongside.outcomes import charts, selectors, services
from alongside.outcomes.forms import AnswersForm, CorrectionForm
from alongside.outcomes.models import EntryMode
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


def _answer_page(
    request: HttpRequest,
    due,
    form: AnswersForm,
    action: str,
    **extra,  # type: ignore[no-untyped-def]
) -> HttpResponse:
    return render(
        request,
        "outcomes/answer.html",
        {"due": due, "instrument": form.instrument, "form": form, "action": action, **extra},
        status=400 if form.errors or getattr(extra.get("correction"), "errors", None) else 200,
    )


def link_answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer one questionnaire from a one-time link, without signing in."""
    state = selectors.link_state(token)
    if not state.usable:
        status, title, hint = LINK_PROBLEMS[state.problem]
        return render(
            request, "outcomes/link_problem.html", {"title": title, "hint": hint}, status=status
        )
    due = state.link.due  # type: ignore[union-attr]
    form = AnswersForm(instrument(due.instrument_id), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(
                due=due, answers=form.answers(), mode=EntryMode.LINK, token=token
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            return redirect("outcomes_link:thanks")
    return _answer_page(request, due, form, request.path, anonymous=True)


def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "outcomes/thanks.html")


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    dues = list(selectors.own_dues(request.user))
    rows = [(due, instrument(due.instrument_id)) for due in dues]
    return render(request, "outcomes/mine.html", {"rows": rows})


@login_required
def own_answer(request: HttpRequest, due_id: int) -> HttpResponse:
    due = selectors.own_due_or_404(request.user, due_id)
    form = AnswersForm(instrument(due.instrument_id), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(
                due=due, answers=form.answers(), mode=EntryMode.SIGNED_IN, actor=request.user
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            return redirect("outcomes_link:thanks")
    return _answer_page(request, due, form, request.path)


@login_required
def patient_outcomes(request: HttpRequest, patient_id: int) -> HttpResponse:
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
            "new_link": request.session.pop("outcomes_new_link", None),
        },
    )


@login_required
@require_POST
def link_issue(request: HttpRequest, due_id: int) -> HttpResponse:
    due = selectors.due_for_or_404(request.user, due_id)
    try:
        token = services.questionnaire_link_issue(actor=request.user, due=due)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # Shown once on the next page, then gone: only its hash is stored.
        request.session["outcomes_new_link"] = {
            "url": request.build_absolute_uri(reverse("outcomes_link:link", args=[token])),
            "instrument": instrument(due.instrument_id).short_title,
        }
    return redirect("outcomes:patient", patient_id=due.patient_id)


@login_required
def enter_answers(request: HttpRequest, due_id: int) -> HttpResponse:
    due = selectors.due_for_or_404(request.user, due_id)
    form = AnswersForm(instrument(due.instrument_id), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_submit(
                due=due, answers=form.answers(), mode=EntryMode.STAFF, actor=request.user
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, f"The {form.instrument.short_title} answers are recorded.")
            return redirect("outcomes:patient", patient_id=due.patient_id)
    return _answer_page(request, due, form, request.path, on_behalf=True)


@login_required
def correct_answers(request: HttpRequest, response_id: int) -> HttpResponse:
    response = get_object_or_404(
        selectors.responses_visible_to(request.user, "outcome.enter"), pk=response_id
    )
    definition = instrument(response.instrument_id)
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
    return _answer_page(
        request, response.due, form, request.path, correction=reason, on_behalf=True
    )


@login_required
def service_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    rtw = selectors.service_rtw(service)
    return render(
        request,
        "outcomes/service.html",
        {"service": service, "rtw": rtw, "table": charts.km_table(rtw.curve)},
    )


@charts.image_policy
@login_required
def service_rtw_chart(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    return charts.svg_response(charts.km_chart(selectors.service_rtw(service).curve, service.name))
