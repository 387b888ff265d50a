from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.config.middleware import page_on_get
from alongside.core.matching import CRITERIA, Weights
from alongside.forms import service_errors_to_form
from alongside.matches import engagement, forms, selectors, services
from alongside.matches.models import BatchPlanStatus
from alongside.pages import error_words, form_post, messages_error, render_page
from alongside.paging import page_of
from alongside.patients.selectors import patient_for_or_404, service_today
from alongside.reports import lists

# --- Staff: list, detail, lifecycle ------------------------------------------------------


@login_required
def match_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if file := lists.require_or_file(request, "matches"):
        return file
    form, filters = forms.match_filters(request.GET)
    page = page_of(request, selectors.matches_for_list(request.user, filters))
    context = {
        "form": form,
        "page": page,
        "matches": page.object_list,
        "services": selectors.services_for_matching(request.user),
        "can_configure": policy.can(request.user, "matching.configure"),
    }
    return render_page(request, "matches/list.html", "matches/_list_fragment.html", context)


def _detail(
    request: AuthenticatedHttpRequest, match: Any, status: int = 200, **bound: Any
) -> HttpResponse:
    context = {
        "match": match,
        "criteria": _criteria_rows(match.criterion_scores),
        "end_form": bound.get("end_form") or forms.EndForm(),
        "withdraw_form": bound.get("withdraw_form") or forms.ReasonForm(),
        "activate_form": bound.get("activate_form")
        or forms.ActivateForm(initial={"on": service_today(match.service)}),
        "history": selectors.matches_of_patient(request.user, match.patient),
    }
    return render(request, "matches/detail.html", context, status=status)


def _criteria_rows(parts: dict[str, float | None]) -> list[dict[str, Any]]:
    from alongside.core.matching.explain import CRITERION_LABELS

    return [
        {
            "label": CRITERION_LABELS.get(name, name),
            "score": parts.get(name),
            "percent": None if parts.get(name) is None else round(100 * cast(float, parts[name])),
        }
        for name in CRITERIA
    ]


@login_required
def match_detail(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.match_for_staff_or_404(request.user, match_id)
    return _detail(request, match)


def _lifecycle(
    request: AuthenticatedHttpRequest,
    match_id: int,
    form_name: str,
    form: Any,
    write: Any,
    done: str,
) -> HttpResponse:
    """A lifecycle form on the match page: the service moves the match, or the page shows
    again with the form's errors."""
    match = selectors.match_for_staff_or_404(request.user, match_id)
    return form_post(
        request,
        form,
        lambda data: write(match, data),
        done=done,
        success_url=_url("matches:detail", match_id=match.pk),
        reshow=lambda form: _detail(request, match, status=400, **{form_name: form}),
    )


@login_required
@require_POST
def match_activate(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    return _lifecycle(
        request,
        match_id,
        "activate_form",
        forms.ActivateForm(request.POST),
        lambda m, d: services.match_activate(actor=request.user, match=m, on=d["on"]),
        "The match is active.",
    )


@login_required
@require_POST
def match_withdraw(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    return _lifecycle(
        request,
        match_id,
        "withdraw_form",
        forms.ReasonForm(request.POST),
        lambda m, d: services.match_withdraw(actor=request.user, match=m, reason=d["reason"]),
        "The proposal was withdrawn.",
    )


@login_required
@require_POST
def match_end(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    return _lifecycle(
        request,
        match_id,
        "end_form",
        forms.EndForm(request.POST),
        lambda m, d: services.match_end(
            actor=request.user, match=m, reason=d["reason"], note=d["note"]
        ),
        "The match has ended.",
    )


@login_required
@require_POST
def record_patient_agree(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    """The therapist records that the patient agreed (in person or by phone)."""
    match = selectors.match_for_staff_or_404(request.user, match_id)
    try:
        services.match_patient_agree(actor=request.user, match=match)
    except ValidationError as exc:
        messages_error(request, exc)
    else:
        messages.success(request, "Recorded: the patient agreed. The mentor is asked next.")
    return redirect("matches:detail", match_id=match.pk)


@login_required
@require_POST
def match_review_clear(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.match_for_staff_or_404(request.user, match_id)
    services.match_review_clear(actor=request.user, match=match)
    messages.success(request, "Marked as reviewed.")
    return redirect("matches:detail", match_id=match.pk)


# --- Find a mentor -----------------------------------------------------------


def _find_context(request: AuthenticatedHttpRequest, patient: Any, **extra: Any) -> dict[str, Any]:
    include_repeats = request.GET.get("repeats") == "1" or request.POST.get("override_repeat")
    found = selectors.find_mentor(
        request.user,
        patient,
        today=timezone.localdate(),
        include_repeats=bool(include_repeats),
        paged=True,
        page=request.GET.get("page"),
        excluded_rule=request.GET.get("excluded", ""),
    )
    return {
        "found": found,
        "page": found.page,
        "patient": patient,
        "include_repeats": include_repeats,
        "not_matchable": selectors.case_not_matchable_reason(patient),
        **extra,
    }


@login_required
def find_mentor(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_or_404(request.user, patient_id, "match.manage")
    context = _find_context(request, patient)
    return render_page(request, "matches/find.html", "matches/_find_fragment.html", context)


@page_on_get(lambda request, patient_id: _url("matches:find", patient_id=patient_id))
@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_or_404(request.user, patient_id, "match.manage")
    form = forms.ProposeForm(request.POST)
    error = ""
    match = None
    if form.is_valid():
        mentor = selectors.mentor_for_patient_or_404(patient, form.cleaned_data["mentor"])
        try:
            match = services.match_propose(
                actor=request.user,
                patient=patient,
                mentor=mentor,
                override_repeat=form.cleaned_data["override_repeat"],
            )
        except ValidationError as exc:
            error = error_words(exc)
    else:
        error = "Choose a mentor to propose."
    if match is not None and not request.htmx:
        messages.success(
            request, f"{match.mentor.first_name} was proposed. The patient is asked next."
        )
        return redirect("matches:detail", match_id=match.pk)
    context = _find_context(request, patient, propose_error=error, proposed=match)
    return render_page(
        request,
        "matches/find.html",
        "matches/_find_fragment.html",
        context,
        status=400 if error else 200,
    )


# --- Waiting list and batch run -----------------------------------------------------------


def _waiting_context(
    request: AuthenticatedHttpRequest, service: Any, **extra: Any
) -> dict[str, Any]:
    # Paged in the database: a waiting list of thousands once rendered whole (833 KB).
    page = page_of(request, selectors.waiting_list_for_pages(request.user, service))
    return {"service": service, "waiting": page, "page": page, **extra}


@login_required
def waiting(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_matching_or_404(request.user, slug)
    if file := lists.require_or_file(request, "waiting", path={"service": service.slug}):
        return file
    return render(request, "matches/waiting.html", _waiting_context(request, service))


@page_on_get(lambda request, slug: _url("matches:waiting", slug=slug))
@login_required
@require_POST
def batch_plan(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Start a batch run in the task worker and go to its page (htmx: show it in place)."""
    service = selectors.service_for_matching_or_404(request.user, slug)
    job = services.batch_plan_job_start(actor=request.user, service=service)
    if getattr(request, "htmx", False):
        return render(request, "matches/_batch_job.html", {"service": service, "job": job})
    return redirect("matches:batch_job", slug=service.slug, job_id=job.pk)


@login_required
def batch_job(request: AuthenticatedHttpRequest, slug: str, job_id: int) -> HttpResponse:
    """A batch run's progress while it plans (htmx polls the fragment), then its plan."""
    service = selectors.service_for_matching_or_404(request.user, slug)
    job = selectors.batch_plan_job_for_or_404(request.user, service, job_id)
    context: dict[str, Any] = {"service": service, "job": job}
    if job.status == BatchPlanStatus.DONE:
        context["plan"] = selectors.batch_plan_of(request.user, job)
    return render_page(request, "matches/batch_job.html", "matches/_batch_job.html", context)


@page_on_get(lambda request, slug: _url("matches:waiting", slug=slug))
@login_required
@require_POST
def batch_publish(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_matching_or_404(request.user, slug)
    choices = [(value, value) for value in request.POST.getlist("pair")]
    form = forms.BatchPublishForm(request.POST, choices=choices)
    if form.is_valid():
        try:
            created = services.match_batch_publish(
                actor=request.user, service=service, pairs=form.pairs()
            )
        except ValidationError as exc:
            form.add_error(None, error_words(exc) + " Nothing was published; plan again.")
        else:
            messages.success(request, f"{len(created)} proposals published.")
            return redirect(f"{_url('matches:list')}?status=proposed")
    context = _waiting_context(request, service, publish_error=form.errors)
    return render(request, "matches/waiting.html", context, status=400)


def _url(name: str, **kwargs: Any) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs)


# --- Weights -----------------------------------------------------------


def _preview(
    user: Any, service: Any, weights: Weights | None, patient_id: int | None
) -> dict[str, Any]:
    """Top five for a sample waiting patient under the saved and the proposed weights."""
    samples = selectors.waiting_list(user, service)[:50]
    patient = next((p for p in samples if p.pk == patient_id), samples[0] if samples else None)
    if patient is None:
        return {"preview_patient": None, "samples": samples}
    today = timezone.localdate()
    current = selectors.find_mentor(user, patient, today=today, limit=5, with_exclusions=False)
    proposed = selectors.find_mentor(
        user, patient, today=today, limit=5, weights=weights, with_exclusions=False
    )
    before = {card.mentor.pk: i + 1 for i, card in enumerate(current.suggestions)}
    rows = [
        {"card": card, "place": i + 1, "was": before.get(card.mentor.pk)}
        for i, card in enumerate(proposed.suggestions)
    ]
    return {
        "preview_patient": patient,
        "samples": samples,
        "preview_rows": rows,
        "current_rows": current.suggestions,
    }


@login_required
def weights(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_matching_or_404(request.user, slug, "matching.configure")
    from alongside.matches.profiles import weights_for

    saved = weights_for(service)
    initial = dict(zip(CRITERIA, saved.as_tuple(), strict=True))
    form = forms.WeightsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.matching_weights_save(
                actor=request.user, service=service, values=form.values()
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "Matching weights saved.")
            return redirect("matches:weights", slug=service.slug)
    preview = _preview(request.user, service, None, None)
    chooser = forms.PreviewPatientForm(patients=preview["samples"])
    return render(
        request,
        "matches/weights.html",
        {"service": service, "form": form, "chooser": chooser, **preview},
        status=400 if form.errors else 200,
    )


@login_required
def weights_preview(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_matching_or_404(request.user, slug, "matching.configure")
    form = forms.WeightsForm(request.GET)
    weights = None
    problem = ""
    if form.is_valid():
        weights = Weights(**form.values())
    elif request.GET:
        problem = "Fix the weights above to see a preview."
    chooser = forms.PreviewPatientForm(
        request.GET, patients=selectors.waiting_list(request.user, service)[:50]
    )
    patient_id = chooser.cleaned_data.get("patient") if chooser.is_valid() else None
    context = {
        "service": service,
        "problem": problem,
        **_preview(request.user, service, weights, patient_id),
    }
    if weights is None:
        context["preview_rows"] = []
    return render_page(
        request, "matches/weights_preview.html", "matches/_weights_preview.html", context
    )


# --- Engagement report -----------------------------------------------------------


@login_required
def engagement_report(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = selectors.service_for_matching_or_404(request.user, slug, "report.view")
    report = engagement.engagement_report(service)
    return render(request, "matches/engagement.html", {"service": service, "report": report})


# --- Mentors: my mentees -----------------------------------------------------------


@login_required
def mentees(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not selectors.is_mentor(request.user):
        raise Http404("Not found")
    cards = selectors.mentees_visible_to(request.user)
    return render(request, "matches/mentees.html", {"mentees": cards})


def _mentee_page(
    request: AuthenticatedHttpRequest, match_id: int, status: int = 200, **bound: Any
) -> HttpResponse:
    card = selectors.mentee_or_404(request.user, match_id)
    return render(
        request,
        "matches/mentee.html",
        {
            "mentee": card,
            "decline_form": bound.get("decline_form") or forms.ReasonForm(),
            "error": bound.get("error", ""),
        },
        status=status,
    )


@login_required
def mentee(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    return _mentee_page(request, match_id)


@login_required
@require_POST
def mentee_accept(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.mentee_match_or_404(request.user, match_id)
    try:
        services.match_mentor_accept(actor=request.user, match=match)
    except ValidationError as exc:
        return _mentee_page(request, match_id, status=400, error=error_words(exc))
    messages.success(request, "Thank you. Your supervising therapist will introduce you.")
    return redirect("matches:mentees")


@login_required
@require_POST
def mentee_decline(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.mentee_match_or_404(request.user, match_id)
    form = forms.ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.match_mentor_decline(
                actor=request.user, match=match, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "You declined. Your therapist will find another mentor.")
            return redirect("matches:mentees")
    return _mentee_page(request, match_id, status=400, decline_form=form)


# --- Patients: my mentor -----------------------------------------------------------


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "patient.own")
    cards = selectors.my_mentor_cards(request.user)
    return render(
        request, "matches/mine.html", {"cards": cards, "decline_form": forms.OptionalReasonForm()}
    )


@login_required
@require_POST
def mine_agree(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.own_match_or_404(request.user, match_id)
    try:
        services.match_patient_agree(actor=request.user, match=match)
    except ValidationError as exc:
        messages_error(request, exc)
        return redirect("matches:mine")
    messages.success(request, f"Thank you. We will ask {match.mentor.first_name} next.")
    return redirect("matches:mine")


@login_required
@require_POST
def mine_decline(request: AuthenticatedHttpRequest, match_id: int) -> HttpResponse:
    match = selectors.own_match_or_404(request.user, match_id)
    form = forms.OptionalReasonForm(request.POST)
    form.is_valid()
    try:
        services.match_patient_decline(
            actor=request.user, match=match, reason=form.cleaned_data.get("reason", "")
        )
    except ValidationError as exc:
        messages_error(request, exc)
    else:
        messages.success(request, "You said no to this mentor. Your therapist will talk with you.")
    return redirect("matches:mine")
