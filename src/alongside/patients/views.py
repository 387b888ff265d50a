"""Pages of the patient pathway: thin views over selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ChoiceField
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.accounts.selectors import clinical_team_of
from alongside.core import text_limits
from alongside.core.codes import classification
from alongside.core.codes.icd10 import search_icd10
from alongside.forms import service_errors_to_form
from alongside.hooks import Hook
from alongside.organisations.selectors import service_for_or_404, services_visible_to
from alongside.pages import form_post, messages_error, render_page
from alongside.paging import page_of
from alongside.patients import forms, importing, selectors, services
from alongside.patients.models import Patient, PatientStatus
from alongside.reports import lists

NO_CHANGE = "Nothing was changed."


def _manage_services(user: Any) -> Any:
    return services_visible_to(user, "patient.manage")


# --- Caseload ---------------------------------------------------------------------


@login_required
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    if file := lists.require_or_file(request, "caseload"):
        return file
    filters = forms.caseload_filters(request.GET)
    page = page_of(request, selectors.caseload(request.user, filters))
    rows = selectors.caseload_rows(page)
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "statuses": PatientStatus.choices,
        "therapists": selectors.therapist_choices(request.user),
        "can_manage": policy.can(request.user, "patient.manage"),
    }
    return render_page(request, "patients/caseload.html", "patients/_caseload_table.html", context)


# --- Code look-ups (the occupation and ICD-10 boxes of the forms) --------------------


def _lookup_service(request: AuthenticatedHttpRequest) -> Any:
    """The service whose code sets to search: one the user records referrals in (else 404)."""
    policy.require(request.user, "patient.manage")
    try:
        service_id = int(request.GET.get("service", ""))
    except ValueError:
        raise Http404 from None
    service = _manage_services(request.user).filter(pk=service_id).first()
    if service is None:
        raise Http404
    return service


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "")[: text_limits.SEARCH]


@login_required
@require_GET
def occupation_lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Groups of the service's occupation classification matching ``q``, as JSON.

    Code sets only, nobody's data: nothing to audit."""
    scheme = classification(_lookup_service(request).occupation_classification)
    results = [
        {"code": code, "title": title, "label": f"{code} {title}", "detail": level}
        for code, title, level in scheme.search(_query(request))
    ]
    return JsonResponse({"classification": scheme.name, "results": results})


@login_required
@require_GET
def icd10_lookup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Served ICD-10 codes of the service's edition matching ``q``, as JSON."""
    edition = _lookup_service(request).icd10_modification
    results = [
        {"code": code, "title": title, "label": f"{code} {title}", "detail": ""}
        for code, title in search_icd10(_query(request), edition)
    ]
    return JsonResponse({"results": results})


# --- Referral ---------------------------------------------------------------------


@login_required
def referral_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "patient.manage")
    choices = _manage_services(request.user)
    form = forms.ReferralForm(request.POST or None, services=choices)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.referral_create(
                actor=request.user, service=form.cleaned_data["service"], data=form.referral_data()
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        except services.DuplicateReferral as error:
            duplicate = selectors.duplicate_referral_read(request.user, error.existing)
            form.add_error("hospital_number", str(error))
        else:
            messages.success(request, f"Referral for {patient.full_name} recorded.")
            return redirect("patients:detail", patient_id=patient.pk)
    return render(
        request,
        "patients/referral_form.html",
        {"form": form, "duplicate": duplicate},
        status=400 if form.errors else 200,
    )


# --- The case page ------------------------------------------------------------------


def _detail_forms(patient: Patient, request: HttpRequest) -> dict[str, Any]:
    return {
        "decline_form": forms.DeclineForm(),
        "accept_anyway_form": forms.AcceptAnywayForm(),
        "may_accept_anyway": policy.can(request.user, "patient.accept_anyway", patient),
        "allocate_form": forms.AllocateForm(
            therapists=[(u.pk, str(u)) for u in clinical_team_of(patient.service.pk)],
            initial={"therapist": patient.allocated_therapist_id or request.user.pk},
        ),
        "first_contact_form": forms.DateForm(
            initial={"on": selectors.service_today(patient.service)}
        ),
        "status_form": forms.StatusForm(moves=services.status_moves(patient.status)),
        "hold_form": forms.HoldForm(),
        "consent_form": forms.ConsentForm(
            initial={"given_on": selectors.service_today(patient.service)}
        ),
        "goal_form": forms.GoalForm(),
        "employer_contact_form": forms.EmployerContactForm(),
        "certificate_form": forms.CertificateForm(),
        "phased_step_form": forms.PhasedStepForm(),
        "work_status_form": forms.WorkStatusForm(),
        "goal_statuses": cast(ChoiceField, forms.GoalStatusForm().fields["status"]).choices,
        "invite_form": forms.InviteForm(initial={"email": patient.email}, phone=patient.phone),
    }


def _render_detail(
    request: AuthenticatedHttpRequest,
    patient: Patient,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "patient": patient,
        **selectors.patient_detail_context(request.user, patient),
    }
    context.update(_detail_forms(patient, request))
    context.update(bound or {})
    return render(request, "patients/detail.html", context, status=status)


@login_required
def patient_detail(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = selectors.patient_for_or_404(request.user, patient_id)
    return _render_detail(request, patient)


def _manage(request: AuthenticatedHttpRequest, patient_id: int) -> Patient:
    return selectors.patient_for_or_404(request.user, patient_id, "patient.manage")


def _case_form_post(
    request: AuthenticatedHttpRequest,
    patient: Patient,
    form_name: str,
    form: Any,
    act: Callable[[Patient, dict[str, Any]], Any],
    done: str,
    anchor: str = "",
) -> HttpResponse:
    """A small form on the case page: the service runs, or the page shows again with it."""
    return form_post(
        request,
        form,
        lambda data: act(patient, data),
        done=done,
        success_url=reverse("patients:detail", kwargs={"patient_id": patient.pk}) + anchor,
        reshow=lambda form: _render_detail(request, patient, {form_name: form}, status=400),
    )


def _case_action(
    form_name: str,
    make_form: Callable[[AuthenticatedHttpRequest, Patient], Any],
    act: Callable[[AuthenticatedHttpRequest, Patient, dict[str, Any]], Any],
    done: str,
    anchor: str = "",
) -> Callable[..., HttpResponse]:
    """The view behind one small form on the case page (POST only, staff who manage the
    case): the service runs and the page jumps to ``anchor``, or the page shows again with
    the form's errors in place. ``make_form`` binds the POST, for this case."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
        patient = _manage(request, patient_id)
        return _case_form_post(
            request,
            patient,
            form_name,
            make_form(request, patient),
            lambda patient, data: act(request, patient, data),
            done,
            anchor,
        )

    return view


def _adds(
    write: Callable[..., Any],
) -> Callable[[AuthenticatedHttpRequest, Patient, dict[str, Any]], Any]:
    """A service that adds a row to the case from the form's fields as they are."""
    return lambda request, patient, data: write(actor=request.user, patient=patient, **data)


@login_required
@require_POST
def referral_accept(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = _manage(request, patient_id)
    try:
        services.referral_accept(actor=request.user, patient=patient)
    except ValidationError as error:
        messages_error(request, error)
    else:
        messages.success(request, "Referral accepted.")
    return redirect("patients:detail", patient_id=patient.pk)


# "Accept anyway": a referral the rules refuse, on the therapist's recorded reason.
referral_accept_anyway = _case_action(
    "accept_anyway_form",
    lambda request, _case: forms.AcceptAnywayForm(request.POST),
    lambda request, patient, data: services.referral_accept(
        actor=request.user, patient=patient, override_reason=data["override_reason"]
    ),
    "Referral accepted against the service's rules; your reason is kept with the record.",
    "#eligibility",
)


referral_decline = _case_action(
    "decline_form",
    lambda request, _case: forms.DeclineForm(request.POST),
    lambda request, patient, data: services.referral_decline(
        actor=request.user, patient=patient, reason=data["reason"]
    ),
    "Referral declined; the record and reason are kept.",
)


@login_required
@require_POST
def patient_allocate(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = _manage(request, patient_id)
    therapists = {u.pk: u for u in clinical_team_of(patient.service.pk)}
    form = forms.AllocateForm(
        request.POST, therapists=[(pk, str(u)) for pk, u in therapists.items()]
    )
    return _case_form_post(
        request,
        patient,
        "allocate_form",
        form,
        lambda p, data: services.patient_allocate(
            actor=request.user, patient=p, therapist=therapists[data["therapist"]]
        ),
        "Therapist allocated.",
        "#allocation",
    )


first_contact = _case_action(
    "first_contact_form",
    lambda request, _case: forms.DateForm(request.POST),
    lambda request, patient, data: services.patient_record_first_contact(
        actor=request.user, patient=patient, on=data["on"]
    ),
    "First contact recorded.",
    "#targets",
)


hold_start = _case_action(
    "hold_form",
    lambda request, _case: forms.HoldForm(request.POST),
    lambda request, patient, data: services.case_hold_start(
        actor=request.user,
        patient=patient,
        reason=data["reason"],
        review_on=data["review_on"],
        note=data["note"],
    ),
    "The case is on hold: its target clocks are paused.",
    "#targets",
)


@login_required
@require_POST
def hold_release(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = _manage(request, patient_id)
    try:
        services.case_hold_release(actor=request.user, patient=patient)
    except ValidationError as error:
        messages_error(request, error)
    else:
        messages.success(request, "The hold is released: the target clocks run again.")
    return redirect(reverse("patients:detail", kwargs={"patient_id": patient.pk}) + "#targets")


status_change = _case_action(
    "status_form",
    lambda request, case: forms.StatusForm(request.POST, moves=services.status_moves(case.status)),
    lambda request, patient, data: _status_write(request.user, patient, data),
    "Case status changed.",
)


def _status_write(actor: Any, patient: Patient, data: dict[str, Any]) -> Any:
    returned = forms.StatusForm.RETURNED.get(data["status"])
    if returned is None:
        return services.patient_status_change(actor=actor, patient=patient, status=data["status"])
    try:
        return services.work_status_add(
            actor=actor,
            patient=patient,
            from_date=data["returned_on"],
            status=returned,
            hours_per_week=data["hours_per_week"],
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "from_date" in error.error_dict:
            raise ValidationError({"returned_on": error.message_dict["from_date"]}) from None
        raise


consent_record = _case_action(
    "consent_form",
    lambda request, _case: forms.ConsentForm(request.POST),
    _adds(services.consent_record),
    "Consent recorded.",
    "#consent",
)


# The "Invite to Alongside" button: an account linked to this record, a one-time link.
patient_invite = _case_action(
    "invite_form",
    lambda request, _case: forms.InviteForm(request.POST),
    lambda request, patient, data: services.patient_invite(
        actor=request.user,
        patient=patient,
        email=data["email"],
        channel=data["channel"],
        base_url=request.build_absolute_uri("/"),
    ),
    "Invitation sent. The link works once, to choose a password.",
    "#account",
)


@login_required
@require_POST
def consent_withdraw(
    request: AuthenticatedHttpRequest, patient_id: int, consent_id: int
) -> HttpResponse:
    patient = _manage(request, patient_id)
    consent = selectors.consent_for_or_404(patient, consent_id)
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        messages_error(request, error)
    else:
        messages.success(request, f"Consent withdrawn: {consent.get_kind_display().lower()}.")
    return redirect(reverse("patients:detail", kwargs={"patient_id": patient.pk}) + "#consent")


def _profile_edit(
    request: AuthenticatedHttpRequest,
    patient_id: int,
    form_class: Any,
    title: str,
    **form_kwargs: Any,
) -> HttpResponse:
    patient = _manage(request, patient_id)
    form = form_class(request.POST or None, instance=patient, **form_kwargs)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(actor=request.user, patient=patient, changes=form.changes())
        except ValidationError as error:
            service_errors_to_form(form, error)
        except services.DuplicateReferral as error:
            duplicate = selectors.duplicate_referral_read(request.user, error.existing)
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{title} saved.")
            return redirect("patients:detail", patient_id=patient.pk)
    return render(
        request,
        "patients/profile_form.html",
        {"form": form, "patient": patient, "title": title, "duplicate": duplicate},
        status=400 if form.errors else 200,
    )


@login_required
def injury_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    return _profile_edit(request, patient_id, forms.InjuryForm, "Injury profile")


@login_required
def work_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    patient = _manage(request, patient_id)
    return _profile_edit(
        request, patient_id, forms.WorkForm, "Work before injury", service=patient.service
    )


@login_required
def details_edit(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    return _profile_edit(request, patient_id, forms.DetailsForm, "Contact details and preferences")


# --- Return-to-work plan --------------------------------------------------------------


def _plan_add(
    form_name: str, form: type[forms.PlanRowForm], write: Callable[..., Any]
) -> Callable[..., HttpResponse]:
    """The view of a form that adds a row to the plan from its fields as they are; the case
    page knows the form as ``form_name``."""
    return _case_action(
        form_name,
        lambda request, _case: form(request.POST),
        _adds(write),
        form.added,
        form.section,
    )


goal_add = _plan_add("goal_form", forms.GoalForm, services.goal_add)
employer_contact_add = _plan_add(
    "employer_contact_form", forms.EmployerContactForm, services.employer_contact_add
)
certificate_add = _plan_add("certificate_form", forms.CertificateForm, services.certificate_add)
phased_step_add = _plan_add("phased_step_form", forms.PhasedStepForm, services.phased_step_add)
work_status_add = _plan_add("work_status_form", forms.WorkStatusForm, services.work_status_add)


@login_required
@require_POST
def goal_update(request: AuthenticatedHttpRequest, patient_id: int, goal_id: int) -> HttpResponse:
    patient = _manage(request, patient_id)
    goal = selectors.goal_for_or_404(patient, goal_id)
    form = forms.GoalStatusForm(request.POST)
    if form.is_valid():
        services.goal_update(actor=request.user, goal=goal, changes=form.cleaned_data)
        messages.success(request, "Goal updated.")
    else:
        messages.error(request, "Choose a goal status.")
    return redirect(reverse("patients:detail", kwargs={"patient_id": patient.pk}) + "#goals")


# --- CSV import (upload, then progress, preview and confirm on the job page) ---------------


def _import_context(request: AuthenticatedHttpRequest, form: Any) -> dict[str, Any]:
    return {
        "form": form,
        "limit": importing.LIMITS_LABEL,
        "columns": importing.COLUMNS,
        "required": importing.REQUIRED_COLUMNS,
        "recent": selectors.referral_import_jobs_visible_to(request.user)[:10],
    }


@login_required
def referral_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload: the file is kept and checked by the task worker; the job page shows progress."""
    policy.require(request.user, "patient.manage")
    choices = _manage_services(request.user)
    form = forms.ImportForm(request.POST or None, request.FILES or None, services=choices)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            form.add_error(
                "file",
                f"The file is {upload.size / (1024 * 1024):.1f} MB; "
                f"the limit is {importing.MAX_LABEL}.",
            )
        else:
            try:
                job = importing.import_job_create(
                    actor=request.user,
                    service=form.cleaned_data["service"],
                    file_name=upload.name or "",
                    content=upload.read(),
                    valid_rows_only=form.cleaned_data["valid_rows_only"],
                )
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                return redirect("patients:import_job", job_id=job.pk)
    return render(
        request,
        "patients/import.html",
        _import_context(request, form),
        status=400 if form.errors else 200,
    )


@login_required
def referral_import_job(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    """Progress, then the preview (or the result); htmx polls the fragment while it runs."""
    job = selectors.referral_import_job_for_or_404(request.user, job_id)
    return render_page(
        request,
        "patients/import_job.html",
        "patients/_import_job.html",
        {"job": job, "limit": importing.LIMITS_LABEL},
    )


@login_required
@require_POST
def referral_import_confirm(request: AuthenticatedHttpRequest, job_id: int) -> HttpResponse:
    job = selectors.referral_import_job_for_or_404(request.user, job_id, with_rows=False)
    try:
        importing.import_job_confirm(actor=request.user, job=job)
    except ValidationError as error:
        messages_error(request, error)
    return redirect("patients:import_job", job_id=job.pk)


@login_required
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "patient.manage")
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referrals-template.csv"'
    return response


# --- Service configuration -------------------------------------------------------------


@login_required
def eligibility_rules(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "patient.configure")
    rules = selectors.eligibility_rules_for(service)
    form = forms.EligibilityRulesForm(request.POST or None, instance=rules)
    if request.method == "POST" and form.is_valid():
        try:
            services.eligibility_rules_update(
                actor=request.user, service=service, changes=form.cleaned_data
            )
        except ValidationError as error:
            service_errors_to_form(form, error)
        else:
            messages.success(request, "Eligibility rules saved.")
            return redirect("patients:rules", slug=slug)
    return render(
        request,
        "patients/rules.html",
        {"form": form, "service": service},
        status=400 if form.errors else 200,
    )


@login_required
def eligibility_preset(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Apply a trial's eligibility rules to the service, after seeing each rule now and
    after; nothing changes until "Apply" is pressed."""
    from alongside.core.eligibility import preset_changes

    service = service_for_or_404(request.user, slug, "patient.configure")
    form = forms.EligibilityPresetForm(request.POST or None)
    changes = None
    if request.method == "POST" and form.is_valid():
        preset_id = form.cleaned_data["preset"]
        if "confirm" in request.POST:
            try:
                services.eligibility_rules_apply_preset(
                    actor=request.user, service=service, preset_id=preset_id
                )
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, "Eligibility rules applied.")
                return redirect("patients:rules", slug=slug)
        else:
            current = selectors.criteria_of(selectors.eligibility_rules_for(service))
            changes = preset_changes(current, preset_id)
    return render(
        request,
        "patients/rules_preset.html",
        {
            "form": form,
            "service": service,
            "changes": changes,
            "changed": changes is not None and any(c.changes for c in changes),
        },
        status=400 if form.errors else 200,
    )


# --- The patient's own page ------------------------------------------------------------


# The matching work fills the "My peer mentor" section: a provider returns
# {"template": ..., **context} for that patient, or None to leave it empty.
MY_MENTOR_PANELS: Hook[Callable[[AuthenticatedHttpRequest, Patient], dict[str, Any] | None]] = Hook(
    "my_mentor_panels", "the 'My peer mentor' section of a patient's own page"
)


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    records = list(selectors.own_patient_records(request.user))
    if not records:
        raise Http404("No patient record")
    cards = [
        {
            "patient": p,
            "consents": list(p.consents.all()),
            "goals": list(selectors.shared_goals(p)),
            "consents_to_give": selectors.consents_to_give(p),
            "mentor_panels": [
                panel for panel in MY_MENTOR_PANELS.call(request, p) if panel is not None
            ],
        }
        for p in records
    ]
    return render(request, "patients/mine.html", {"cards": cards})


@login_required
@require_POST
def my_consent_withdraw(request: AuthenticatedHttpRequest, consent_id: int) -> HttpResponse:
    consent = selectors.own_consent_or_404(request.user, consent_id)
    try:
        services.consent_withdraw(actor=request.user, consent=consent)
    except ValidationError as error:
        messages_error(request, error)
    else:
        messages.success(request, "Your consent has been withdrawn.")
    return redirect("patients:mine")


@login_required
@require_POST
def my_consent_give(request: AuthenticatedHttpRequest, patient_id: int) -> HttpResponse:
    """The patient gives (or gives again) a consent from their own page."""
    patient = selectors.own_patient_or_404(request.user, patient_id)
    form = forms.OwnConsentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what you are giving consent to.")
        return redirect("patients:mine")
    try:
        consent = services.consent_give_own(
            actor=request.user, patient=patient, kind=form.cleaned_data["kind"]
        )
    except ValidationError as error:
        messages_error(request, error)
    else:
        messages.success(request, f"Thank you. Consent given: {consent.get_kind_display()}.")
    return redirect("patients:mine")
