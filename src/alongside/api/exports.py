"""Exports API: start an export job, poll it, download its file.

The same jobs as the pages (``reports.services.export_job_start``): a list export
holds exactly the rows the list page shows its caller with these filters (the page's
own selector, scoped and audited), a research export is the pseudonymised zip of one
service. Every export runs in the task worker; its file can be downloaded by the
person who asked, for 24 hours. Someone else's job is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from alongside.api.problems import ApiProblem, Problem
from alongside.organisations.selectors import service_for_or_404
from alongside.reports import selectors, services
from alongside.reports.exports import FORMATS

router = Router(tags=["exports"])

ListName = Literal["caseload", "mentors", "matches", "pairs", "concerns", "audit"]
FilterValue = Annotated[str, Field(max_length=100)]


class ListFiltersIn(Schema):
    """The list page's query-string filters; each list reads its own and ignores the
    rest (mentors: status, injury_category, capacity_left, supervision, checks, q;
    matches: status, needs_review; pairs: state, mine, attention; concerns: status;
    audit: action; caseload: status, therapist, overdue, q). An unknown value filters
    nothing, as on the page."""

    status: FilterValue | None = None
    q: FilterValue | None = None
    injury_category: FilterValue | None = None
    capacity_left: FilterValue | None = None
    supervision: FilterValue | None = None
    checks: FilterValue | None = None
    needs_review: FilterValue | None = None
    state: FilterValue | None = None
    mine: FilterValue | None = None
    attention: FilterValue | None = None
    therapist: FilterValue | None = None
    overdue: FilterValue | None = None
    action: FilterValue | None = None


class ListExportIn(Schema):
    """A list page's file, with the rows the page shows you with these filters."""

    kind: ListName
    format: Literal["csv", "xlsx"] = "csv"
    filters: ListFiltersIn = Field(default_factory=ListFiltersIn)


class ResearchExportIn(Schema):
    """The pseudonymised research export (a zip) of one service."""

    kind: Literal["research"]
    service: str = Field(..., min_length=1, max_length=60)
    free_text: bool = False


ExportIn = Annotated[ListExportIn | ResearchExportIn, Field(discriminator="kind")]


class ExportJobOut(Schema):
    id: int
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    steps_done: int
    steps_total: int
    percent: int
    created_at: dt.datetime
    finished_at: dt.datetime | None
    expires_at: dt.datetime | None
    file_name: str
    message: str
    download: str | None = Field(
        None, description="The file's URL while it can be downloaded; null otherwise"
    )


def _out(job: object) -> ExportJobOut:
    ready = (
        job.status == "done"  # type: ignore[attr-defined]
        and not job.is_expired  # type: ignore[attr-defined]
        and bool(job.content)  # type: ignore[attr-defined]
    )
    return ExportJobOut(
        id=job.pk,  # type: ignore[attr-defined]
        kind=job.kind,  # type: ignore[attr-defined]
        status=job.status,  # type: ignore[attr-defined]
        steps_done=job.steps_done,  # type: ignore[attr-defined]
        steps_total=job.steps_total,  # type: ignore[attr-defined]
        percent=job.percent,  # type: ignore[attr-defined]
        created_at=job.created_at,  # type: ignore[attr-defined]
        finished_at=job.finished_at,  # type: ignore[attr-defined]
        expires_at=job.expires_at,  # type: ignore[attr-defined]
        file_name=job.file_name,  # type: ignore[attr-defined]
        message=job.message,  # type: ignore[attr-defined]
        download=reverse("api:export_download", args=[job.pk]) if ready else None,  # type: ignore[attr-defined]
    )


@router.post(
    "",
    url_name="export_start",
    summary="Start an export (a list page's file, or a service's research export)",
    response={202: ExportJobOut},
)
def export_start(request: HttpRequest, body: ExportIn) -> Status:
    if isinstance(body, ResearchExportIn):
        service = service_for_or_404(request.user, body.service, "research.view")
        job = services.export_job_start(
            actor=request.user,
            service=service,
            kind="research",
            params={"free_text": body.free_text},
        )
    else:
        job = services.export_job_start(
            actor=request.user,
            service=None,
            kind=body.kind,
            params={"format": body.format, "query": body.filters.model_dump(exclude_none=True)},
        )
    return Status(202, _out(job))


@router.get(
    "/{int:job_id}",
    url_name="export_detail",
    summary="An export's status and progress (your own exports only)",
    response=ExportJobOut,
)
def export_detail(request: HttpRequest, job_id: int) -> ExportJobOut:
    return _out(selectors.export_job_or_404(request.user, job_id))


@router.get(
    "/{int:job_id}/download",
    url_name="export_download",
    summary="The export's file, while it can be downloaded (24 hours)",
    response={200: bytes, 410: Problem},
    openapi_extra={
        "responses": {
            200: {
                "description": "The file",
                "content": {
                    media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
                    for media in [*FORMATS.values(), services.ZIP]
                },
            }
        }
    },
)
def export_download(request: HttpRequest, job_id: int) -> HttpResponse:
    job = selectors.export_job_or_404(request.user, job_id)
    if job.is_expired:
        services.export_job_expire(job=job)
        raise ApiProblem(410, "This export's download has expired; start the export again.")
    if job.is_active or not job.content:
        raise ApiProblem(404, "This export has no file (yet): poll its status first.")
    services.export_job_downloaded(actor=request.user, job=job)
    response = HttpResponse(bytes(job.content), content_type=job.content_type)
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    response["Cache-Control"] = "private, no-store"
    return response
