from __future__ import annotations

import copy
import csv
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.core.mentor_programme import Criterion as ProgrammeCriterion
from alongside.core.mentor_programme import Module as ProgrammeModule
from alongside.core.mentor_programme import ProgrammeRuleError
from alongside.forms import service_errors_to_form
from alongside.mentors import selectors, services
from alongside.mentors.exports import spreadsheet_safe
from alongside.mentors.forms import (
    CheckForm,
    CheckInAcknowledgeForm,
    CheckInForm,
    CheckRenewalForm,
    CriterionResultForm,
    DebriefBookForm,
    ExpenseClaimForm,
    ExpenseDecisionForm,
    MentorForm,
    NewMentorServiceForm,
    OwnProfileForm,
    SelectionCriterionForm,
    StatusForm,
    SupervisionForm,
    TrainingCompletionForm,
    TrainingModuleForm,
    expense_status_filter,
    mentor_filters,
)
from alongside.mentors.models import ExpenseStatus, Mentor
from alongside.organisations.selectors import service_for_or_404, services_visible_to
from alongside.pages import form_post, messages_error, render_page
from alongside.paging import page_of
from alongside.reports import lists

# --- Staff: list and detail --------------------------------------------------------


@login_required
def mentor_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if file := lists.require_or_file(request, "mentors"):
        return file
    form, filters = mentor_filters(request.GET)
    today = timezone.localdate()
    mentors = selectors.mentors_for_list(request.user, filters, today)
    page = page_of(request, mentors)
    context = {
        "form": form,
        "page": page,
        "mentors": page.object_list,
        "today": today,
        "can_configure": policy.can(request.user, "mentor.configure"),
        "can_export": policy.can(request.user, "mentor.expense_export"),
        "configurable": services_visible_to(request.user, "mentor.configure"),
    }
    return render_page(request, "mentors/list.html", "mentors/_list_fragment.html", context)


@login_required
def mentor_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "mentor.manage")
    choices = services_visible_to(request.user, "mentor.manage")
    chooser = NewMentorServiceForm(request.POST or request.GET or None)
    cast(ModelChoiceField, chooser.fields["service"]).queryset = choices
    service = chooser.cleaned_data["service"] if chooser.is_valid() else choices.first()
    if service is None:
        raise Http404("Not found")
    form = MentorForm(request.POST or None, service=service, initial={"capacity": 2})
    if request.method == "POST" and form.is_valid():
        try:
            mentor = services.mentor_create(
                actor=request.user, service=service, values=form.profile_values()
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, f"{mentor.full_name} is recorded as an enquiry.")
            return redirect("mentors:detail", mentor_id=mentor.pk)
    return render(
        request,
        "mentors/edit.html",
        {"form": form, "chooser": chooser, "service": service, "mentor": None},
        status=400 if form.errors else 200,
    )


@login_required
def mentor_edit(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    mentor = selectors.mentor_visible_or_404(request.user, mentor_id, "mentor.manage")
    form = MentorForm(request.POST or None, instance=mentor, service=mentor.service)
    if request.method == "POST" and form.is_valid():
        fresh = selectors.mentor_visible_or_404(request.user, mentor_id, "mentor.manage")
        try:
            services.mentor_update(actor=request.user, mentor=fresh, values=form.profile_values())
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "Mentor details saved.")
            return redirect("mentors:detail", mentor_id=mentor_id)
    return render(
        request,
        "mentors/edit.html",
        {"form": form, "mentor": mentor, "service": mentor.service},
        status=400 if form.errors else 200,
    )


def _detail(
    request: AuthenticatedHttpRequest, mentor: Mentor, status: int = 200, **bound: Any
) -> HttpResponse:
    today = timezone.localdate()
    detail = selectors.mentor_detail(request.user, mentor, today)
    forms = {
        "criterion_form": CriterionResultForm(mentor=mentor),
        "check_form": CheckForm(),
        "training_form": TrainingCompletionForm(mentor=mentor),
        "supervision_form": SupervisionForm(initial={"held_on": today}),
        "status_form": StatusForm(),
        **bound,
    }
    return render(
        request,
        "mentors/detail.html",
        {
            "d": detail,
            "mentor": mentor,
            "today": today,
            **forms,
            **selectors.mentor_labels(mentor),
            "can_manage": policy.can(request.user, "mentor.manage", mentor),
            "can_decide": policy.can(request.user, "mentor.expense_decide", mentor),
        },
        status=status,
    )


@login_required
def mentor_detail(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    mentor = selectors.mentor_visible_or_404(request.user, mentor_id)
    return _detail(request, mentor)


@login_required
@require_POST
def mentor_status(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
    mentor = selectors.mentor_visible_or_404(request.user, mentor_id, "mentor.manage")
    form = StatusForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    action = request.POST.get("action", "")
    try:
        if action == "activate":
            mentor = services.mentor_activate(actor=request.user, mentor=mentor)
        elif action == "resume":
            mentor = services.mentor_resume(actor=request.user, mentor=mentor)
        elif action == "paused":
            mentor = services.mentor_pause(actor=request.user, mentor=mentor, reason=reason)
        elif action == "retired":
            mentor = services.mentor_retire(actor=request.user, mentor=mentor, reason=reason)
        elif action == "declined":
            mentor = services.mentor_decline(actor=request.user, mentor=mentor, reason=reason)
        else:
            mentor = services.mentor_advance(actor=request.user, mentor=mentor, to_status=action)
    except ProgrammeRuleError as exc:
        form.add_error(None, str(exc))
        return _detail(request, mentor, status=400, status_form=form, status_problems=exc.problems)
    except ValidationError as exc:
        service_errors_to_form(form, exc)
        return _detail(request, mentor, status=400, status_form=form)
    messages.success(request, f"{mentor.full_name} is now {mentor.get_status_display().lower()}.")
    return redirect("mentors:detail", mentor_id=mentor.pk)


def _detail_url(mentor: Mentor) -> str:
    return reverse("mentors:detail", kwargs={"mentor_id": mentor.pk})


def _managed(request: AuthenticatedHttpRequest, mentor_id: int) -> Mentor:
    return selectors.mentor_visible_or_404(request.user, mentor_id, "mentor.manage")


def _record_action(
    form_name: str,
    make_form: Callable[[AuthenticatedHttpRequest, Mentor], Any],
    act: Callable[[AuthenticatedHttpRequest, Mentor, dict[str, Any]], Any],
    done: str,
) -> Callable[..., HttpResponse]:
    """The view behind one form on a mentor's record (POST only, the mentor's supervisors):
    the service runs, or the record shows again with the form's errors in place."""

    @login_required
    @require_POST
    def view(request: AuthenticatedHttpRequest, mentor_id: int) -> HttpResponse:
        mentor = _managed(request, mentor_id)
        return form_post(
            request,
            make_form(request, mentor),
            lambda data: act(request, mentor, data),
            done=done,
            success_url=_detail_url(mentor),
            reshow=lambda form: _detail(request, mentor, status=400, **{form_name: form}),
        )

    return view


def _adds(
    write: Callable[..., Any],
) -> Callable[[AuthenticatedHttpRequest, Mentor, dict[str, Any]], Any]:
    """A service that adds a row to the record from the form's fields as they are."""
    return lambda request, mentor, data: write(actor=request.user, mentor=mentor, **data)


criterion_record = _record_action(
    "criterion_form",
    lambda request, mentor: CriterionResultForm(request.POST, mentor=mentor),
    lambda request, mentor, data: services.criterion_result_record(
        actor=request.user,
        mentor=mentor,
        criterion=data["criterion"],
        met=data["met"] == "yes",
        notes=data["notes"],
    ),
    "Criterion result recorded.",
)
check_add = _record_action(
    "check_form",
    lambda request, mentor: CheckForm(request.POST),
    _adds(services.check_add),
    "Check recorded.",
)
training_record = _record_action(
    "training_form",
    lambda request, mentor: TrainingCompletionForm(request.POST, mentor=mentor),
    _adds(services.training_completion_record),
    "Training recorded.",
)
supervision_log = _record_action(
    "supervision_form",
    lambda request, mentor: SupervisionForm(request.POST),
    _adds(services.supervision_log),
    "Supervision session recorded.",
)


@login_required
@require_POST
def checkin_acknowledge(request: AuthenticatedHttpRequest, checkin_id: int) -> HttpResponse:
    checkin = selectors.checkin_visible_or_404(request.user, checkin_id)
    policy.require_not_oneself(request.user, checkin.mentor)
    form = CheckInAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.checkin_acknowledge(
                actor=request.user, checkin=checkin, debrief_on=form.cleaned_data["debrief_on"]
            )
        except ValidationError as exc:
            messages_error(request, exc)
        else:
            messages.success(request, "Marked as seen.")
    else:
        messages.error(request, "Enter the debrief date as a date.")
    if selectors.mentor_is_visible(request.user, checkin.mentor_id):
        return redirect("mentors:detail", mentor_id=checkin.mentor_id)
    return redirect("accounts:home")


def _day(day: Any) -> str:
    return f"{day.day} {day:%B %Y}"


@login_required
@require_POST
def debrief_book(request: AuthenticatedHttpRequest, debrief_id: int) -> HttpResponse:
    debrief = selectors.debrief_visible_or_404(request.user, debrief_id)
    policy.require_not_oneself(request.user, debrief.mentor)  # not their own debrief
    form = DebriefBookForm(request.POST)
    if form.is_valid():
        try:
            services.debrief_request_book(
                actor=request.user, debrief=debrief, booked_on=form.cleaned_data["booked_on"]
            )
        except ValidationError as exc:
            messages_error(request, exc)
        else:
            messages.success(request, f"Debrief booked for {_day(form.cleaned_data['booked_on'])}.")
    else:
        messages.error(request, "Enter the date of the debrief.")
    return redirect(
        reverse("mentors:detail", kwargs={"mentor_id": debrief.mentor_id}) + "#supervision-h"
    )


# --- Admin: selection criteria and training modules --------------------------------


def _impact(service: Any, kind: str, values: dict[str, Any], item: Any = None) -> dict[str, Any]:
    """What saving ``values`` would do to the service's active mentors, before it is saved
    (the one matchability rule of core.mentor_programme decides)."""
    today = timezone.localdate()
    if kind == "module":
        on = values.get("required_from") or today
        module = ProgrammeModule(
            item.pk if item else 0,
            values["title"],
            values["required"],
            values.get("recertify_months"),
            values.get("required_from"),
        )
        unmatchable, active = selectors.training_change_impact(
            service, module, max(on, today), item.pk if item else None
        )
        return {
            "unmatchable": unmatchable,
            "active": active,
            "on": max(on, today),
            "today": today,
            "kind": kind,
        }
    criterion = ProgrammeCriterion(
        item.pk if item else 0,
        values["name"],
        values["required"],
        values["kind"],
        values.get("min_months"),
    )
    unmet, active = selectors.criterion_change_impact(service, criterion, today)
    return {"unmet": unmet, "active": active, "today": today, "kind": kind}


def _previewed(
    request: AuthenticatedHttpRequest,
    form: Any,
    write: Any,
    impact: Any,
    reshow: Any,
    success_url: str,
) -> HttpResponse:
    """A programme setting is shown with its effect first; "Save" (``confirm``) writes it."""
    if request.method == "POST" and form.is_valid():
        if "confirm" in request.POST:
            try:
                write(form.cleaned_data)
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, "Saved.")
                return redirect(success_url)
        else:
            return reshow(form, impact(form.cleaned_data))
    return reshow(form, None)


def _config_page(
    request: AuthenticatedHttpRequest,
    slug: str,
    form_class: Any,
    save: Any,
    items: Any,
    template: str,
    kind: str,
) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "mentor.configure")
    return _previewed(
        request,
        form_class(request.POST or None),
        lambda d: save(service, d),
        lambda d: _impact(service, kind, d),
        lambda form, impact: render(
            request,
            template,
            {"service": service, "form": form, "items": items(service.pk), "impact": impact},
            status=400 if form.errors else 200,
        ),
        request.path,
    )


@login_required
def criteria(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _config_page(
        request,
        slug,
        SelectionCriterionForm,
        lambda s, d: services.selection_criterion_save(actor=request.user, service=s, values=d),
        selectors.criteria_of,
        "mentors/criteria.html",
        "criterion",
    )


@login_required
def modules(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    return _config_page(
        request,
        slug,
        TrainingModuleForm,
        lambda s, d: services.training_module_save(actor=request.user, service=s, values=d),
        selectors.modules_of,
        "mentors/modules.html",
        "module",
    )


@dataclass(frozen=True)
class _Setting:
    """A kind of programme setting changed on its own page, previewed first."""

    form_class: Any
    save: Any  # the service; takes the row as the keyword ``kind``
    kind: str
    back: str
    title: str


_CRITERION = _Setting(
    SelectionCriterionForm,
    services.selection_criterion_save,
    "criterion",
    "mentors:criteria",
    "Change selection criterion",
)
_MODULE = _Setting(
    TrainingModuleForm,
    services.training_module_save,
    "module",
    "mentors:modules",
    "Change training module",
)


def _config_edit(request: AuthenticatedHttpRequest, item: Any, setting: _Setting) -> HttpResponse:
    # The form writes into the instance it is bound to; the service compares the
    # values against the row as it stands, so it gets an untouched copy.
    unchanged = copy.copy(item)
    form = setting.form_class(request.POST or None, instance=item)
    return _previewed(
        request,
        form,
        lambda d: setting.save(
            actor=request.user,
            service=unchanged.service,
            values={name: d[name] for name in form.Meta.fields},
            **{setting.kind: unchanged},
        ),
        lambda d: _impact(unchanged.service, setting.kind, d, unchanged),
        lambda form, impact: render(
            request,
            "mentors/config_edit.html",
            {
                "form": form,
                "item": item,
                "title": setting.title,
                "back": setting.back,
                "impact": impact,
            },
            status=400 if form.errors else 200,
        ),
        reverse(setting.back, kwargs={"slug": item.service.slug}),
    )


@login_required
def criterion_edit(request: AuthenticatedHttpRequest, criterion_id: int) -> HttpResponse:
    item = selectors.criterion_visible_or_404(request.user, criterion_id)
    return _config_edit(request, item, _CRITERION)


@login_required
def module_edit(request: AuthenticatedHttpRequest, module_id: int) -> HttpResponse:
    item = selectors.module_visible_or_404(request.user, module_id)
    return _config_edit(request, item, _MODULE)


@login_required
def renewals(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """How often each kind of check is redone. A change is previewed first: how many
    active mentors it would make unmatchable today; "Save" applies it."""
    service = service_for_or_404(request.user, slug, "mentor.configure")
    form = CheckRenewalForm(request.POST or None, current=selectors.renewal_months(service.pk))
    impact = None
    if request.method == "POST" and form.is_valid():
        periods = dict(form.cleaned_data)
        if "confirm" in request.POST:
            try:
                services.check_renewal_periods_save(
                    actor=request.user, service=service, periods=periods
                )
            except ValidationError as error:
                service_errors_to_form(form, error)
            else:
                messages.success(request, "Renewal periods saved.")
                return redirect(request.path)
        else:
            impact = selectors.renewal_change_impact(service, periods, timezone.localdate())
    return render(
        request,
        "mentors/renewals.html",
        {"service": service, "form": form, "impact": impact},
        status=400 if form.errors else 200,
    )


# --- The mentor's own pages ---------------------------------------------------------


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentor = selectors.own_mentor_or_404(request.user, _chosen(request))
    context = selectors.own_mentoring(request.user, mentor, timezone.localdate())
    context["others"] = [m for m in selectors.own_mentor_records(request.user) if m.pk != mentor.pk]
    return render(request, "mentors/mine.html", context)


def _chosen(request: AuthenticatedHttpRequest) -> int | None:
    value = request.GET.get("record") or request.POST.get("record")
    return int(value) if value and value.isdigit() else None


@login_required
def my_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The mentor keeps their own availability, ways to meet, travel, story and topics
    current; the supervisor's page shows what changed."""
    mentor = selectors.own_mentor_or_404(request.user, _chosen(request))
    form = OwnProfileForm.for_mentor(mentor, request.POST or None)
    return form_post(
        request,
        form,
        lambda data: services.mentor_update_own(
            actor=request.user, mentor=mentor, values=dict(data)
        ),
        done="Your profile is saved. Your supervisor can see what you changed.",
        success_url=f"{reverse('mentors:mine')}?record={mentor.pk}",
        reshow=lambda bound: render(
            request,
            "mentors/my_profile.html",
            {"form": bound, "mentor": mentor},
            status=400 if bound.errors else 200,
        ),
    )


@login_required
def checkin(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentor = selectors.own_mentor_or_404(request.user, _chosen(request))
    form = CheckInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = services.checkin_submit(
            actor=request.user,
            mentor=mentor,
            score=data["score"],
            affecting_me=data["affecting_me"] == "yes",
            wants_to_talk=data["wants_to_talk"] == "yes",
            comment=data["comment"],
        )
        if result.flagged:
            messages.success(
                request,
                "Thank you. Your supervisor has been told and will get in touch to offer a "
                "debrief.",
            )
            # A low check-in answers with support now, not only "your supervisor knows".
            return redirect(f"{reverse('mentors:checkin_support')}?record={mentor.pk}")
        else:
            messages.success(request, "Thank you for checking in.")
        return redirect("mentors:mine")
    return render(
        request,
        "mentors/checkin.html",
        {"form": form, "mentor": mentor},
        status=400 if form.errors else 200,
    )


@login_required
def checkin_support(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Support after a hard time: the service's resources, the supervisor, crisis numbers."""
    mentor = selectors.own_mentor_or_404(request.user, _chosen(request))
    service = mentor.service
    return render(
        request,
        "mentors/checkin_support.html",
        {
            "mentor": mentor,
            "service": service,
            "numbers": service.crisis_numbers,
            "supervisor": mentor.supervisor,
        },
    )


@login_required
def expense_claim(request: AuthenticatedHttpRequest) -> HttpResponse:
    mentor = selectors.own_mentor_or_404(request.user, _chosen(request))
    form = ExpenseClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expense_claim_submit(
                actor=request.user,
                mentor=mentor,
                spent_on=data["spent_on"],
                purpose=data["purpose"],
                amount=data["amount"],
                receipt=data["receipt"] or None,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, "Your claim has been sent for approval.")
            return redirect("mentors:mine")
    return render(
        request,
        "mentors/expense_claim.html",
        {"form": form, "mentor": mentor},
        status=400 if form.errors else 200,
    )


# --- Staff: expenses ------------------------------------------------------------------


@login_required
def expenses(request: AuthenticatedHttpRequest) -> HttpResponse:
    if file := lists.require_or_file(request, "expenses"):
        return file
    status = expense_status_filter(request.GET)
    claims = selectors.expenses_for_staff(request.user, status)
    page = page_of(request, claims)
    return render(
        request,
        "mentors/expenses.html",
        {
            "page": page,
            "claims": page.object_list,
            "status": status,
            "statuses": ExpenseStatus.choices,
            "form": ExpenseDecisionForm(),
            "can_export": policy.can(request.user, "mentor.expense_export"),
        },
    )


@login_required
@require_POST
def expense_decide(request: AuthenticatedHttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.expense_visible_or_404(request.user, claim_id)
    policy.require(request.user, "mentor.expense_decide", claim.mentor)
    form = ExpenseDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.expense_decide(
                actor=request.user,
                claim=claim,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages_error(request, exc)
        else:
            messages.success(request, "Decision recorded.")
    else:
        messages.error(request, "Choose approve or reject.")
    return redirect("mentors:expenses")


@login_required
def expense_receipt(request: AuthenticatedHttpRequest, claim_id: int) -> FileResponse:
    claim = selectors.expense_visible_or_404(request.user, claim_id, "mentor.expense_receipt_view")
    if not claim.receipt:
        raise Http404("Not found")
    response = FileResponse(claim.receipt.open("rb"), content_type=claim.receipt_content_type)
    # Always a download, never rendered in the site's origin (an uploaded file is untrusted).
    extension = mimetypes.guess_extension(claim.receipt_content_type or "") or ""
    response["Content-Disposition"] = f'attachment; filename="receipt-{claim.pk}{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def expenses_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "mentor.expense_export")
    claims = selectors.expenses_for_export(request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mentor-expenses.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "claim",
            "service",
            "mentor",
            "spent_on",
            "purpose",
            "amount",
            "status",
            "decided_by",
            "decided_at",
            "note",
        ]
    )
    for claim in claims:
        writer.writerow(
            [
                spreadsheet_safe(v)
                for v in (
                    claim.pk,
                    claim.mentor.service.name,
                    claim.mentor.full_name,
                    claim.spent_on.isoformat(),
                    claim.purpose,
                    f"{claim.amount:.2f}",
                    claim.status,
                    claim.decided_by.email if claim.decided_by else "",
                    claim.decided_at.isoformat() if claim.decided_at else "",
                    claim.note,
                )
            ]
        )
    return response
