"""Demo questionnaires: schedules for every accepted demo patient, answers at the time
points already past (improving on average, with some items left out and some
questionnaires never answered), and questionnaires still due for patient@demo."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from alongside.core.instruments import instrument, score
from alongside.outcomes import services
from alongside.outcomes.models import (
    DueStatus,
    EntryMode,
    QuestionnaireDue,
    QuestionnaireResponse,
    score_fields,
)
from alongside.patients.models import AT_WORK, Patient
from alongside.patients.selectors import service_today

ANSWER_RATE = 0.8  # a fifth of past questionnaires are never answered: overdue in the demo
MISSING_ITEM_RATE = 0.04
# What a demo patient with an account has still to answer at baseline (patient@demo).
STILL_DUE = {("Baseline", "phq9"), ("Baseline", "hope"), ("Baseline", "rtw_expectation")}


def load(ctx: Any) -> None:
    for service in ctx.services.values():
        if QuestionnaireDue.objects.filter(patient__service=service).exists():
            continue
        patients = list(
            Patient.objects.filter(service=service, accepted_on__isnull=False)
            .select_related("service", "user")
            .prefetch_related("work_statuses")
        )
        with transaction.atomic():
            for patient in patients:
                services.questionnaires_schedule(patient=patient)
            answered = _answer_past(ctx.rng, service, patients)
        ctx.log(f"  outcomes: {answered} questionnaire answers in {service.slug}")


def _spread(rng: random.Random, total: int, items: int, low: int, high: int) -> list[int]:
    """Item values between low and high adding up to about ``total``."""
    values = [low] * items
    total = max(low * items, min(high * items, total))
    for _ in range(total - low * items):
        choices = [i for i, v in enumerate(values) if v < high]
        values[rng.choice(choices)] += 1
    return values


def _answers(
    rng: random.Random, instrument_id: str, step: int, patient: Patient, on: dt.date
) -> list[Any]:
    """Plausible answers at the ``step``-th time point (0 = baseline): distress easing,
    hope and expectation rising, as the trial's qualitative findings describe."""
    if instrument_id == "phq9":
        values: list[Any] = _spread(rng, round(rng.gauss(11 - 1.6 * step, 3)), 9, 0, 3)
        values[8] = 0 if rng.random() < 0.93 else 1  # item 9: rare, and then flagged
    elif instrument_id == "gad7":
        values = _spread(rng, round(rng.gauss(9 - 1.3 * step, 3)), 7, 0, 3)
    elif instrument_id == "gse":
        values = _spread(rng, round(rng.gauss(27 + 1.2 * step, 4)), 10, 1, 4)
    elif instrument_id in ("hope", "rtw_expectation"):
        values = [max(0, min(10, round(rng.gauss(5 + 0.8 * step, 2))))]
    else:
        statuses = [s for s in patient.work_statuses.all() if s.from_date <= on]
        latest = max(statuses, key=lambda s: s.from_date, default=None)
        working = latest is not None and latest.status in AT_WORK
        first_back = min((s.from_date for s in statuses if s.status in AT_WORK), default=None)
        hours = int(latest.hours_per_week or 0) if working and latest else None
        return [
            1 if working else 0,
            hours,
            1 if working and latest and latest.status != "new_job" else (0 if working else None),
            1 if working else None,
            None,
            first_back.isoformat() if working and first_back else None,
        ]
    return [None if rng.random() < MISSING_ITEM_RATE else v for v in values]


def _answer_past(rng: random.Random, service: Any, patients: list[Patient]) -> int:
    today = service_today(service)
    by_patient = {p.pk: p for p in patients}
    dues = list(
        QuestionnaireDue.objects.filter(patient__in=patients, window_closes__lt=today)
        .select_related("time_point")
        .order_by("patient_id", "due_on")
    )
    steps: dict[int, list[dt.date]] = {}
    responses = []
    completed = []
    for due in dues:
        patient = by_patient[due.patient_id]
        if patient.user_id and (due.time_point.label, due.instrument_id) in STILL_DUE:
            continue  # patient@demo still has these to answer
        if rng.random() > ANSWER_RATE:
            continue
        points = steps.setdefault(patient.pk, [])
        if due.due_on not in points:
            points.append(due.due_on)
        on = min(today, due.due_on + dt.timedelta(days=rng.randint(-5, 10)))
        answers = _answers(rng, due.instrument_id, points.index(due.due_on), patient, on)
        result = score(instrument(due.instrument_id), answers)
        responses.append(
            QuestionnaireResponse(
                patient=patient,
                due=due,
                instrument_id=due.instrument_id,
                answers=answers,
                completed_on=on,
                **score_fields(result),
                mode=EntryMode.LINK if rng.random() < 0.7 else EntryMode.STAFF,
            )
        )
        completed.append(due.pk)
    QuestionnaireResponse.objects.bulk_create(responses)
    QuestionnaireDue.objects.filter(pk__in=completed).update(status=DueStatus.COMPLETED)
    return len(responses)
