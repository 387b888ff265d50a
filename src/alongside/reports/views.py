"""Report pages: the service dashboard (and its charts, file and printable report),
the fidelity table, the research export and background export jobs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from alongside.accounts import policy
from alongside.organisations.selectors import service_for_or_404, services_visible_to
from alongside.pages import render_page
from alongside.patients.selectors import service_today
from alongside.reports import charts, exports, figures, lists, research, selectors, services
from alongside.reports import fidelity as fidelity_rules
from alongside.reports.forms import PeriodForm, period_query
from alongside.reports.periods import default_period


def _pseudonymised(user: Any, service: Any) -> bool:
    """Analysts (no clinical role in the service) see no identifiers anywhere here."""
    return not policy.can(user, "patient.view", service)


def index(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:login')}?next={request.path}")
    visible = list(services_visible_to(request.user, "report.view"))
    if not visible:
        raise Http404("Not found")
    if len(visible) == 1:
        return redirect("reports:dashboard", slug=visible[0].slug)
    return render(
        request,
        "reports/index.html",
        {"services": visible, "can_rollup": policy.can(request.user, "report.rollup")},
    )


def _columns(request: HttpRequest, service: Any) -> tuple[PeriodForm, list[figures.Column]]:
    others = [
        (s.slug, s.name)
        for s in services_visible_to(request.user, "report.view")
        if s.pk != service.pk
    ]
    form = PeriodForm(request.GET or None, today=service_today(service), services=others)
    if request.GET and not form.is_valid():
        return form, []
    if not request.GET:
        # The default period, shown in the form so the person sees what they are reading.
        fallback = default_period(service_today(service))
        form = PeriodForm(
            {"start": fallback.start.isoformat(), "end": fallback.end.isoformat()},
            today=service_today(service),
            services=others,
        )
        form.is_valid()
    data = form.cleaned_data
    period = data["period"]
    pseudonymised = _pseudonymised(request.user, service)
    columns = [
        figures.Column(
            period.label if data.get("other_period") else service.name,
            selectors.dashboard(service, period, pseudonymised=pseudonymised),
        )
    ]
    if data.get("other_period"):
        other = data["other_period"]
        columns.append(
            figures.Column(
                other.label, selectors.dashboard(service, other, pseudonymised=pseudonymised)
            )
        )
    elif data.get("compare") == "service":
        other_service = service_for_or_404(request.user, data["compare_service"], "report.view")
        columns.append(
            figures.Column(
                other_service.name,
                selectors.dashboard(
                    other_service,
                    period,
                    pseudonymised=_pseudonymised(request.user, other_service),
                ),
            )
        )
    return form, columns


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    form, columns = _columns(request, service)
    fmt = exports.wanted_format(request)
    if fmt and columns:
        rows = figures.figure_rows(columns)
        return exports.table_response(
            f"dashboard-{service.slug}-{columns[0].dashboard.period.start}",
            ["Section", "Figure", *[c.label for c in columns]],
            [[section, label, *values] for section, label, values in rows],
            fmt,
            title="Dashboard",
        )
    return render(
        request,
        "reports/dashboard.html",
        {
            "service": service,
            "form": form,
            "columns": columns,
            "timeliness": figures.timeliness_sections(columns) if columns else [],
            "query": period_query(request.GET),
            "pseudonymised": _pseudonymised(request.user, service),
            "printable": request.resolver_match.url_name == "print",  # type: ignore[union-attr]
            "can_research": policy.can(request.user, "research.view", service),
        },
        status=400 if form.errors else 200,
    )


@charts.image_policy
@login_required
def chart(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    if name not in figures.CHARTS:
        raise Http404("Not found")
    form, columns = _columns(request, service)
    if not columns:
        raise Http404("Not found")
    svg = figures.chart_svg(name, columns)
    return charts.svg_response(svg or "")


@login_required
def fidelity(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "report.view")
    fallback = default_period(service_today(service))
    data = request.GET or {"start": fallback.start.isoformat(), "end": fallback.end.isoformat()}
    form = PeriodForm(data, today=service_today(service), services=[])
    if not form.is_valid():
        return render(
            request, "reports/fidelity.html", {"service": service, "form": form}, status=400
        )
    period = form.cleaned_data["period"]
    pseudonymised = _pseudonymised(request.user, service)
    table = selectors.fidelity_table(request.user, service, period, pseudonymised=pseudonymised)
    fmt = exports.wanted_format(request)
    if fmt:
        return exports.table_response(
            f"fidelity-{service.slug}-{period.start}",
            table.headers,
            table.rows,
            fmt,
            title="Fidelity",
        )
    return render(
        request,
        "reports/fidelity.html",
        {
            "service": service,
            "form": form,
            "period": period,
            "table": table,
            "components": fidelity_rules.COMPONENTS,
            "query": period_query(request.GET),
            "pseudonymised": pseudonymised,
        },
    )


@login_required
def research_export(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "research.view")
    form = research.ResearchExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        job = services.export_job_start(
            actor=request.user,
            service=service,
            kind="research",
            params={"free_text": form.cleaned_data["free_text"]},
        )
        return redirect("reports:job", job_id=job.pk)
    return render(
        request,
        "reports/research.html",
        {
            "service": service,
            "form": form,
            "date_handling": research.date_handling_of(service),
            "dictionary": research.data_dictionary(free_text=False),
            "jobs": selectors.recent_jobs(request.user, service),
            "can_configure": policy.can(request.user, "service.configure", service),
            "settings_form": research.ResearchSettingsForm(
                initial={
                    "date_handling": research.date_handling_of(service).date_handling,
                    "max_shift_days": research.date_handling_of(service).max_shift_days,
                }
            ),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def list_export(request: HttpRequest) -> HttpResponse:
    """Start the background export of a long list with the filters the page showed."""
    kind = lists.list_kind_for(request.user, request.POST.get("kind", ""))
    fmt = request.POST.get("format", "")
    if fmt not in exports.FORMATS:
        return HttpResponseBadRequest("format: choose CSV or XLSX.")
    job = services.export_job_start(
        actor=request.user,
        service=None,
        kind=kind.name,
        params={"format": fmt, "query": QueryDict(request.POST.get("query", "")[:2000])},
    )
    return redirect("reports:job", job_id=job.pk)


@login_required
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    export = selectors.export_job_or_404(request.user, job_id)
    if export.kind == services.ROLLUP:
        return redirect("reports:rollup_job", job_id=export.pk)
    return render_page(request, "reports/job.html", "reports/_job.html", {"job": export})


@login_required
def job_download(request: HttpRequest, job_id: int) -> HttpResponse:
    export = selectors.export_job_or_404(request.user, job_id)
    if export.kind == services.ROLLUP:
        raise Http404("Not found")  # a roll-up is read on its page, not downloaded
    if export.is_active or not export.content:
        if export.is_expired:
            return render(request, "reports/job.html", {"job": export}, status=410)
        raise Http404("Not found")
    if export.is_expired:
        services.export_job_expire(job=export)
        return render(request, "reports/job.html", {"job": export}, status=410)
    services.export_job_downloaded(actor=request.user, job=export)
    response = HttpResponse(bytes(export.content), content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def research_settings(request: HttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "service.configure")
    form = research.ResearchSettingsForm(request.POST)
    if form.is_valid():
        services.research_settings_update(actor=request.user, service=service, **form.cleaned_data)
        messages.success(request, "The research export's date handling is saved.")
    else:
        # An ErrorList yields its messages as text (the stubs also allow a ValidationError).
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))  # type: ignore[misc]
    return redirect("reports:research", slug=service.slug)


def _rollup_page(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    return render(
        request,
        "reports/rollup.html",
        {
            "form": form,
            "services": services.rollup_services(request.user),
            "jobs": selectors.recent_rollups(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def rollup(request: HttpRequest) -> HttpResponse:
    """The roll-up of the dashboard figures across every service the person manages."""
    from django.utils import timezone

    policy.require(request.user, "report.rollup")
    today = timezone.localdate()
    fallback = default_period(today)
    initial = {"start": fallback.start, "end": fallback.end}
    return _rollup_page(request, PeriodForm(None, today=today, services=[], initial=initial))


@login_required
@require_POST
def rollup_start(request: HttpRequest) -> HttpResponse:
    from django.utils import timezone

    policy.require(request.user, "report.rollup")
    form = PeriodForm(request.POST, today=timezone.localdate(), services=[])
    if not form.is_valid():
        return _rollup_page(request, form)
    job = services.rollup_start(actor=request.user, period=form.cleaned_data["period"])
    return redirect("reports:rollup_job", job_id=job.pk)


@login_required
def rollup_job(request: HttpRequest, job_id: int) -> HttpResponse:
    from alongside.reports import rollup as rollup_table

    job = selectors.rollup_job_or_404(request.user, job_id)
    done = job.status == "done" and not job.is_expired
    context = {"job": job, "table": rollup_table.table(job.content) if done else None}
    return render_page(request, "reports/rollup_job.html", "reports/_rollup_job.html", context)
