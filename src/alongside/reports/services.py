"""Writes of the reports app: export jobs (start, run, expire, download) and the
service's research-export choices. Every export is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.policy import SYSTEM
from alongside.audit.services import audit_record
from alongside.reports.models import DOWNLOAD_HOURS, ExportJob, ExportStatus, ResearchSettings

ZIP = "application/zip"


def export_job_start(*, actor: Any, service: Any, kind: str, params: dict[str, Any]) -> ExportJob:
    """Queue an export for the task worker; the page then shows its progress.

    ``kind`` is ``research`` (for ``service``) or a list of ``reports.lists.LISTS``, whose
    ``params`` are ``format`` and ``query`` (the list page's filters); a list export names
    no service (it spans every service the person sees)."""
    from alongside.reports import lists, tasks

    if kind == "research":
        policy.require(actor, "research.view", service)
    else:  # a list: the person must be able to open the list's page
        lists.list_kind_for(actor, kind)
        if params.get("format") not in lists.FORMATS:
            raise ValueError("format: choose csv or xlsx")
        params = {"format": params["format"], "query": lists.filter_query(params.get("query", {}))}
    with transaction.atomic():
        job = ExportJob.objects.create(service=service, created_by=actor, kind=kind, params=params)
        audit_record(
            actor=actor,
            action="export.request",
            target=job,
            service_id=service.pk if service else None,
            fields=sorted(params) if kind == "research" else sorted(params["query"]),
        )
        transaction.on_commit(lambda: tasks.export_run.enqueue(job_id=job.pk))
    return job


def _progress(job_id: int) -> Any:
    def tell(done: int, total: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(steps_done=done, steps_total=total)

    return tell


def export_job_run(*, job_id: int) -> ExportJob:
    """Make the file of a queued export (called by the task worker)."""
    from alongside.reports import lists, research

    job = ExportJob.objects.select_related("service", "created_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job
    ExportJob.objects.filter(pk=job_id).update(status=ExportStatus.RUNNING)
    actor = job.created_by
    # Permission is checked again now: a membership may have ended since the request.
    policy.forget(actor)
    # No transaction is open while the file is made: the rows are read in chunks and the
    # progress is written one small update at a time, so nothing is locked meanwhile.
    if job.kind == "research":
        policy.require(actor, "research.view", job.service)
        free_text = bool(job.params.get("free_text"))
        content = research.research_zip(
            job.service, free_text=free_text, progress=_progress(job_id)
        )
        name, content_type = f"research-{job.service.slug}", ZIP
        action, fields = "research.export", ["free_text"] if free_text else []
    else:
        kind = lists.list_kind_for(actor, job.kind)
        fmt = job.params["format"]
        content = lists.list_bytes(
            kind, actor, job.params.get("query", {}), fmt, progress=_progress(job_id)
        )
        name, content_type = f"{kind.name}", lists.FORMATS[fmt]
        action, fields = "export.list", sorted(job.params.get("query", {}))
    now = timezone.now()
    extension = "zip" if job.kind == "research" else job.params["format"]
    with transaction.atomic():
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.DONE,
            content=content,
            content_type=content_type,
            file_name=f"{name}-{now:%Y%m%d}.{extension}",
            finished_at=now,
            expires_at=now + dt.timedelta(hours=DOWNLOAD_HOURS),
            message=f"{len(content):,} bytes",
        )
        audit_record(
            actor=actor, action=action, target=job, service_id=job.service_id, fields=fields
        )
    job.refresh_from_db()
    return job


ROLLUP = "rollup"


def rollup_services(actor: Any) -> Any:
    """The services a roll-up covers: every one the person manages."""
    from alongside.organisations.selectors import services_visible_to

    return services_visible_to(actor, "report.rollup").order_by("name", "pk")


def rollup_start(*, actor: Any, period: Any) -> ExportJob:
    """Queue the roll-up of the dashboard figures across the services ``actor`` manages."""
    from alongside.reports import tasks

    policy.require(actor, "report.rollup")
    params = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    with transaction.atomic():
        job = ExportJob.objects.create(
            service=None,
            created_by=actor,
            kind=ROLLUP,
            params=params,
            steps_total=rollup_services(actor).count(),
        )
        audit_record(
            actor=actor, action="report.rollup_request", target=job, fields=["start", "end"]
        )
        transaction.on_commit(lambda: tasks.rollup_run.enqueue(job_id=job.pk))
    return job


def rollup_run(*, job_id: int) -> ExportJob:
    """Work out each service's figures, telling the page after each (task worker)."""
    from alongside.reports import rollup
    from alongside.reports.periods import Period

    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ExportStatus.QUEUED:
        return job
    actor = job.created_by
    policy.forget(actor)  # memberships may have changed since the request
    policy.require(actor, "report.rollup")
    period = Period(
        dt.date.fromisoformat(job.params["start"]), dt.date.fromisoformat(job.params["end"])
    )
    services = list(rollup_services(actor))
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.RUNNING, steps_done=0, steps_total=len(services)
    )
    rows = []
    for done, service in enumerate(services, start=1):
        rows.append(rollup.service_figures(service, period))
        ExportJob.objects.filter(pk=job_id).update(steps_done=done)
    now = timezone.now()
    with transaction.atomic():
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportStatus.DONE,
            content=rollup.encode(period, rows),
            content_type="application/json",
            finished_at=now,
            expires_at=now + dt.timedelta(hours=DOWNLOAD_HOURS),
            message=f"{len(rows)} services",
        )
        audit_record(
            actor=actor,
            action="report.rollup",
            target=job,
            object_ids=[s.pk for s in services],
            fields=["start", "end"],
        )
    job.refresh_from_db()
    return job


def export_job_failed(*, job_id: int, message: str = "") -> None:
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportStatus.FAILED,
        content=b"",
        message=message[:300] or "The export could not be made; ask an administrator.",
        finished_at=timezone.now(),
    )


def export_job_expire(*, job: ExportJob) -> None:
    """Drop the file of an expired export (the job row stays as the record)."""
    ExportJob.objects.filter(pk=job.pk).update(content=b"")


def export_job_downloaded(*, actor: Any, job: ExportJob) -> None:
    audit_record(actor=actor, action="export.download", target=job, service_id=job.service_id)


def research_settings_update(
    *, actor: Any, service: Any, date_handling: str, max_shift_days: int
) -> ResearchSettings:
    policy.require(actor, "service.configure", service)
    with transaction.atomic():
        choice, _ = ResearchSettings.objects.select_for_update().get_or_create(service=service)
        choice.date_handling = date_handling
        choice.max_shift_days = max_shift_days
        choice.save()
        audit_record(
            actor=actor,
            action="research.settings",
            target=choice,
            service_id=service.pk,
            fields=["date_handling", "max_shift_days"],
        )
    return choice


def research_export_write(*, service: Any, out: Any, free_text: bool = False) -> int:
    """The command line's export (an operator's act, audited without a user)."""
    from alongside.reports import research

    content = research.research_zip(service, free_text=free_text)
    out.write(content)
    audit_record(
        actor=SYSTEM,
        action="research.export",
        object_type="organisations.service",
        object_id=service.pk,
        service_id=service.pk,
        fields=["free_text"] if free_text else [],
    )
    return len(content)
