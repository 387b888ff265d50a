"""Questionnaires API: schedule one for a patient, read answers and scores.

Scoped exactly like the outcomes pages: the clinical team of the patient's service
(``outcome.view`` to read, ``outcome.enter`` to schedule). Everyone else — a mentor
included, whatever their matches — gets 404: answers are clinical records.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from alongside.accounts.http import AuthenticatedApiRequest
from alongside.api import pagination
from alongside.organisations.models import Service
from alongside.organisations.selectors import service_for_or_404
from alongside.outcomes import selectors, services
from alongside.outcomes.models import QuestionnaireDue, QuestionnaireResponse
from alongside.patients.selectors import patient_for_or_404, service_today

router = Router(tags=["questionnaires"])


class TimePointOut(Schema):
    id: int
    label: str
    anchor: str
    offset_days: int
    window_days: int
    instruments: list[str]


class ScoreOut(Schema):
    response_id: int
    completed_on: dt.date
    total: float | None
    band: str
    valid: bool


class DueOut(Schema):
    id: int
    patient_id: int
    instrument_id: str
    instrument_title: str
    time_point_id: int
    time_point: str
    due_on: dt.date
    window_opens: dt.date
    window_closes: dt.date
    state: str  # upcoming, open, overdue, completed, cancelled
    score: ScoreOut | None


class ResponseOut(Schema):
    id: int
    patient_id: int
    due_id: int | None
    time_point: str  # "Extra" when answered outside the schedule
    instrument_id: str
    instrument_version: str
    answers: list[Any]
    total: float | None
    band: str
    valid: bool
    missing: int
    prorated: bool
    subscales: dict[str, Any]
    alerts: list[Any]
    completed_on: dt.date
    mode: str


class DueIn(Schema):
    instrument_id: str = Field(
        max_length=QuestionnaireDue._meta.get_field("instrument_id").max_length
    )
    time_point_id: int


def _score(response: QuestionnaireResponse | None) -> dict[str, Any] | None:
    if response is None:
        return None
    return {
        "response_id": response.pk,
        "completed_on": response.completed_on,
        "total": response.total,
        "band": response.band,
        "valid": response.valid,
    }


def _due_out(row: selectors.DueRow) -> dict[str, Any]:
    due = row.due
    return {
        "id": due.pk,
        "patient_id": due.patient_id,
        "instrument_id": due.instrument_id,
        "instrument_title": row.instrument.short_title,
        "time_point_id": due.time_point_id,
        "time_point": due.time_point.label,
        "due_on": due.due_on,
        "window_opens": due.window_opens,
        "window_closes": due.window_closes,
        "state": row.state,
        "score": _score(row.response),
    }


def _response_out(r: QuestionnaireResponse) -> dict[str, Any]:
    return {
        "id": r.pk,
        "patient_id": r.patient_id,
        "due_id": r.due_id,
        "time_point": r.due.time_point.label if r.due else "Extra",
        "instrument_id": r.instrument_id,
        "instrument_version": r.instrument_version,
        "answers": r.answers or [],
        "total": r.total,
        "band": r.band,
        "valid": r.valid,
        "missing": r.missing,
        "prorated": r.prorated,
        "subscales": r.subscales or {},
        "alerts": r.alerts or [],
        "completed_on": r.completed_on,
        "mode": r.mode,
    }


@router.get(
    "/services/{slug}/time-points",
    response=pagination.page_of(TimePointOut),
    url_name="questionnaire_time_points",
    summary="The service's schedule: when it asks which questionnaires",
)
def time_points(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    page: Query[pagination.PageIn],
    slug: str = Path(..., max_length=Service._meta.get_field("slug").max_length),
) -> dict[str, Any]:
    service = service_for_or_404(request.auth, slug, "outcome.view")
    return pagination.paginate(
        request,
        response,
        selectors.time_points_of(service),
        page,
        op=f"time-points-{service.pk}",
        out=TimePointOut.from_orm,
    )


@router.get(
    "/patients/{int:patient_id}",
    response=pagination.page_of(DueOut),
    url_name="questionnaire_dues",
    summary="A patient's questionnaires, soonest due first, each with its state and score "
    "once answered",
)
def questionnaire_dues(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    patient_id: int,
    page: Query[pagination.PageIn],
) -> dict[str, Any]:
    patient = patient_for_or_404(request.auth, patient_id, "outcome.view")
    responses = list(selectors.responses_of(request.auth, patient))
    rows = selectors.due_rows(
        selectors.dues_of(request.auth, patient), responses, service_today(patient.service)
    )
    return pagination.paginate(
        request,
        response,
        rows,
        page,
        op=f"dues-{patient.pk}",
        keyset=pagination.Keyset(("due.due_on", "due.pk")),
        out=_due_out,
    )


@router.post(
    "/patients/{int:patient_id}",
    response={201: DueOut},
    url_name="questionnaire_schedule",
    summary="Schedule a questionnaire for a patient at one of the service's time points",
)
def questionnaire_schedule(
    request: AuthenticatedApiRequest, patient_id: int, payload: DueIn
) -> Status[dict[str, Any]]:
    patient = patient_for_or_404(request.auth, patient_id, "outcome.enter")
    # A ValidationError answers 422 naming the field (alongside.api.problems).
    due = services.questionnaire_due_create(
        actor=request.auth,
        patient=patient,
        instrument_id=payload.instrument_id,
        time_point_id=payload.time_point_id,
    )
    row = selectors.due_rows([due], [], service_today(patient.service))[0]
    return Status(201, _due_out(row))


@router.get(
    "/patients/{int:patient_id}/responses",
    response=pagination.page_of(ResponseOut),
    url_name="questionnaire_responses",
    summary="A patient's answers and scores (current versions, oldest first)",
)
def questionnaire_responses(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    patient_id: int,
    page: Query[pagination.PageIn],
) -> dict[str, Any]:
    patient = patient_for_or_404(request.auth, patient_id, "outcome.view")
    return pagination.paginate(
        request,
        response,
        selectors.responses_of(request.auth, patient),
        page,
        op=f"responses-{patient.pk}",
        keyset=pagination.Keyset(("completed_on", "pk")),
        out=_response_out,
    )


@router.get(
    "/responses/{int:response_id}",
    response=ResponseOut,
    url_name="questionnaire_response",
    summary="One response: the answers, the total, its band and subscales",
)
def questionnaire_response(request: AuthenticatedApiRequest, response_id: int) -> dict[str, Any]:
    found = get_object_or_404(
        selectors.responses_visible_to(request.auth, "outcome.view"), pk=response_id
    )
    return _response_out(found)
