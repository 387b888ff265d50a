from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.organisations.selectors import service_for_or_404
from alongside.pages import form_post
from alongside.privacy import access_review as review
from alongside.privacy import selectors, services
from alongside.privacy.forms import (
    DecisionForm,
    ErasureRequestForm,
    RetentionForm,
    SubjectAccessForm,
)
from alongside.privacy.models import ErasureStatus


@login_required
def erasure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "privacy.manage")
    managed = policy.service_ids(request.user, "privacy.manage")
    return render(
        request,
        "privacy/erasures.html",
        {
            "proposed": selectors.erasures_for_page(request, ErasureStatus.PROPOSED),
            "decided": selectors.erasures_visible_to(request.user)
            .exclude(status=ErasureStatus.PROPOSED)
            .order_by("-decided_at")[:50],
            "retention": [services.retention_settings_for(pk) for pk in managed],
        },
    )


@login_required
def retention_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A service manager changes how long the service keeps records."""
    service = service_for_or_404(request.user, slug, "privacy.manage")
    form = RetentionForm(request.POST or None, instance=services.retention_settings_for(service.pk))

    def save(values: dict[str, int]) -> object:
        return services.retention_settings_update(
            actor=request.user,  # type: ignore[arg-type]
            service=service,
            **{name: values[name] for name in RetentionForm.Meta.fields},
        )

    return form_post(
        request,
        form,
        save,
        done=f"Retention periods for {service.name} saved.",
        success_url=reverse("privacy:erasures"),
        reshow=lambda shown: render(
            request,
            "privacy/retention.html",
            {"service": service, "form": shown},
            status=400 if shown.errors else 200,
        ),
    )


@login_required
def erasure_request_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "privacy.manage")
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = selectors.subject_visible_or_404(
            request.user, form.cleaned_data["subject_type"], form.cleaned_data["subject_id"]
        )
        try:
            erasure = services.erasure_request(
                actor=request.user,
                subject_type=form.cleaned_data["subject_type"],
                subject=subject,
                reason=form.cleaned_data["reason"],
            )
        except services.ErasureRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("privacy:erasure", erasure_id=erasure.pk)
    return render(request, "privacy/erasure_request.html", {"form": form})


@login_required
def erasure_decide(request: AuthenticatedHttpRequest, erasure_id: int) -> HttpResponse:
    erasure = selectors.erasure_visible_or_404(request.user, erasure_id)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and erasure.status == ErasureStatus.PROPOSED and form.is_valid():
        try:
            if form.cleaned_data["decision"] == "erase":
                services.erasure_confirm(actor=request.user, erasure=erasure)
                messages.success(request, "The records were anonymised.")
            else:
                services.erasure_dismiss(
                    actor=request.user, erasure=erasure, reason=form.cleaned_data["keep_reason"]
                )
                messages.success(request, "The records are kept; the reason was recorded.")
        except services.ErasureRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("privacy:erasures")
    preview = selectors.erasure_preview(erasure) if erasure.status == ErasureStatus.PROPOSED else {}
    return render(
        request,
        "privacy/erasure_confirm.html",
        {"erasure": erasure, "form": form, "preview": preview},
    )


@login_required
def subject_access(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "privacy.manage")
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subject = selectors.subject_for(
                form.cleaned_data["who"],
                service_ids=policy.service_ids(request.user, "privacy.manage"),
            )
        except selectors.SubjectNotFound:
            form.add_error("who", "No patient or mentor of your services is known by that.")
        else:
            content = services.subject_access_export(actor=request.user, subject=subject)
            response = HttpResponse(content, content_type="application/zip")
            name = f"subject-access-{subject._meta.model_name}-{subject.pk}.zip"
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
    return render(request, "privacy/subject_access.html", {"form": form})


@login_required
def access_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The list, then (POST) a confirmation step, then (POST, confirmed) the disabling."""
    policy.require(request.user, "privacy.manage")
    chosen = [int(pk) for pk in request.POST.getlist("user") if pk.isdigit()]
    people = review.access_review(request.user)
    error = ""
    if request.method == "POST":
        if not chosen:
            error = "Choose at least one account to disable."
        elif request.POST.get("confirmed") == "yes":
            try:
                count = services.accounts_disable(actor=request.user, user_ids=chosen)
            except services.DisableRefused as refusal:
                error = str(refusal)
            else:
                messages.success(
                    request, f"{count} accounts disabled; their tokens and sessions ended."
                )
                return redirect("privacy:access_review")
        else:
            return render(
                request,
                "privacy/access_review_confirm.html",
                {"people": [p for p in people if p.user.pk in chosen]},
            )
    return render(
        request,
        "privacy/access_review.html",
        {"people": people, "dormant_days": review.dormant_days(), "error": error},
    )
