"""Reading questionnaires, answers and outcomes; every identifiable read is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.core import rtw as core_rtw
from alongside.core import survival
from alongside.core.instruments import Instrument, instrument, instruments
from alongside.outcomes.models import (
    DueStatus,
    InstrumentLicence,
    OutcomeSettings,
    QuestionnaireDue,
    QuestionnaireLink,
    QuestionnaireResponse,
    TimePoint,
)
from alongside.patients.models import AT_WORK, Patient, WorkStatus
from alongside.patients.selectors import service_today

if TYPE_CHECKING:
    from alongside.accounts.models import User
    from alongside.organisations.models import Service


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def usable_instrument_ids(service: Service) -> list[str]:
    """Instruments the service may ask: the free ones, and licensed ones it holds a licence for."""
    licensed = set(
        InstrumentLicence.objects.filter(service=service).values_list("instrument_id", flat=True)
    )
    return [i for i, d in instruments().items() if not d.licensed or i in licensed]


def instrument_for(service_id: int, instrument_id: str) -> Instrument:
    """The instrument as this service shows it: a licensed one with the service's item text."""
    definition = instrument(instrument_id)
    if not definition.licensed:
        return definition
    record = InstrumentLicence.objects.filter(
        service_id=service_id, instrument_id=instrument_id
    ).first()
    if record is None:
        return definition
    items = tuple(
        replace(item, text=text)
        for item, text in zip(definition.items, record.item_texts, strict=True)
    )
    return replace(definition, items=items)


def time_points_of(service: Service) -> QuerySet[TimePoint]:
    return TimePoint.objects.filter(service=service, active=True)


def dues_of(user: User, patient: Patient) -> QuerySet[QuestionnaireDue]:
    return (
        QuestionnaireDue.objects.visible_to(user, "outcome.view")
        .filter(patient=patient)
        .select_related("time_point")
        .audited(user, "outcome.list")
    )


def due_for_or_404(user: User, due_id: int, action: str = "outcome.enter") -> QuestionnaireDue:
    queryset = (
        QuestionnaireDue.objects.visible_to(user, action)
        .select_related("patient__service", "time_point")
        .audited(user, action)
    )
    return get_object_or_404(queryset, pk=due_id)


def own_dues(user: User) -> QuerySet[QuestionnaireDue]:
    """The signed-in patient's questionnaires that are open to answer now."""
    return (
        QuestionnaireDue.objects.own(user)
        .filter(status=DueStatus.DUE, window_opens__lte=timezone.localdate())
        .select_related("patient__service", "time_point")
        .audited(user, "outcome.own")
    )


def own_due_or_404(user: User, due_id: int) -> QuestionnaireDue:
    return get_object_or_404(own_dues(user), pk=due_id)


def responses_visible_to(user: User, action: str) -> QuerySet[QuestionnaireResponse]:
    return (
        QuestionnaireResponse.objects.visible_to(user, action)
        .current()
        .select_related("patient__service", "due__time_point")
        .audited(user, action)
    )


def responses_of(user: User, patient: Patient) -> QuerySet[QuestionnaireResponse]:
    return (
        QuestionnaireResponse.objects.visible_to(user, "outcome.view")
        .current()
        .filter(patient=patient)
        .select_related("entered_by", "due__time_point")
        .audited(user, "outcome.view")
    )


@dataclass(frozen=True)
class LinkState:
    """What a one-time link leads to. ``problem`` says in plain words why it cannot be used."""

    link: QuestionnaireLink | None
    problem: str = ""

    @property
    def usable(self) -> bool:
        return self.link is not None and not self.problem


def link_state(token: str) -> LinkState:
    link = (
        QuestionnaireLink.objects.select_related("due__patient__service", "due__time_point")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if link is None:
        return LinkState(None, "unknown")
    if link.used_at is not None or link.due.status == DueStatus.COMPLETED:
        return LinkState(link, "used")
    if link.expires_at <= timezone.now():
        return LinkState(link, "expired")
    if link.due.status == DueStatus.CANCELLED:
        return LinkState(link, "cancelled")
    return LinkState(link)


@dataclass(frozen=True)
class DueRow:
    due: QuestionnaireDue
    instrument: Instrument
    state: str  # "upcoming", "open", "overdue", "completed", "cancelled"
    response: QuestionnaireResponse | None


def due_rows(
    dues: QuerySet[QuestionnaireDue] | list[QuestionnaireDue],
    responses: list[QuestionnaireResponse],
    today: dt.date,
) -> list[DueRow]:
    by_due = {response.due_id: response for response in responses if response.due_id}
    rows = []
    for due in dues:
        if due.status == DueStatus.COMPLETED:
            state = "completed"
        elif due.status == DueStatus.CANCELLED:
            state = "cancelled"
        elif today < due.window_opens:
            state = "upcoming"
        elif today > due.window_closes:
            state = "overdue"
        else:
            state = "open"
        rows.append(DueRow(due, instrument(due.instrument_id), state, by_due.get(due.pk)))
    return rows


def own_due_rows(user: User) -> list[DueRow]:
    """The signed-in patient's open questionnaires, each "open" or "overdue" (past the date
    asked for, and still to be answered) by the date where its service is."""
    return [
        row
        for due in own_dues(user)
        for row in due_rows([due], [], service_today(due.patient.service))
    ]


@dataclass(frozen=True)
class ScorePoint:
    completed_on: dt.date
    total: float | None
    band: str
    label: str  # the time point's label, or "Extra" when answered outside a schedule
    response: QuestionnaireResponse


@dataclass(frozen=True)
class ScoreSeries:
    instrument: Instrument
    points: list[ScorePoint]

    @property
    def change_from_first(self) -> float | None:
        valid = [p.total for p in self.points if p.total is not None]
        return valid[-1] - valid[0] if len(valid) >= 2 else None


def score_series(responses: list[QuestionnaireResponse]) -> list[ScoreSeries]:
    """Each scored instrument's totals over time, in the order instruments are listed."""
    series = []
    for instrument_id, definition in instruments().items():
        if definition.total is None and not definition.subscales:
            continue
        points = [
            ScorePoint(
                r.completed_on,
                r.total,
                r.band,
                r.due.time_point.label if r.due else "Extra",
                r,
            )
            for r in responses
            if r.instrument_id == instrument_id
        ]
        if points:
            series.append(ScoreSeries(definition, points))
    return series


def outcome_settings_of(service: Service) -> OutcomeSettings:
    """The service's settings, or the defaults (unsaved) when it has none."""
    found = OutcomeSettings.objects.filter(service=service).first()
    return found or OutcomeSettings(service=service)


def rtw_outcome_of(
    patient: Patient,
    statuses: list[WorkStatus] | None = None,
    settings: OutcomeSettings | None = None,
) -> core_rtw.RtwOutcome:
    settings = settings or outcome_settings_of(patient.service)
    changes = [
        core_rtw.WorkChange(
            s.from_date,
            s.status in AT_WORK,
            float(s.hours_per_week) if s.hours_per_week is not None else None,
        )
        for s in (statuses if statuses is not None else patient.work_statuses.all())
    ]
    as_of = max(service_today(patient.service), patient.date_of_injury)
    if patient.discharged_on:
        as_of = max(min(as_of, patient.discharged_on), patient.date_of_injury)
    return core_rtw.rtw_outcome(
        injured_on=patient.date_of_injury,
        changes=changes,
        as_of=as_of,
        pre_injury_hours=float(patient.hours_per_week) if patient.hours_per_week else None,
        sustained_days=7 * settings.sustained_weeks,
        sustained_fraction=settings.sustained_percent / 100,
    )


@dataclass(frozen=True)
class ServiceRtw:
    curve: survival.SurvivalCurve | None
    patients: int
    returned: int
    sustained: int


def service_rtw(service: Service) -> ServiceRtw:
    """Time from injury to first RTW across a service's accepted patients (aggregate only).

    Two queries whatever the number of patients: the patients, and their timelines.
    """
    patients = list(
        Patient.objects.filter(service=service, accepted_on__isnull=False)
        .select_related("service")
        .prefetch_related(Prefetch("work_statuses", queryset=WorkStatus.objects.order_by()))
    )
    settings = outcome_settings_of(service)
    outcomes = [rtw_outcome_of(p, list(p.work_statuses.all()), settings) for p in patients]
    if not outcomes:
        return ServiceRtw(None, 0, 0, 0)
    curve = survival.kaplan_meier_curve(
        [o.follow_up_days for o in outcomes], [o.returned for o in outcomes]
    )
    return ServiceRtw(
        curve,
        len(outcomes),
        sum(o.returned for o in outcomes),
        sum(o.sustained_rtw_on is not None for o in outcomes),
    )
