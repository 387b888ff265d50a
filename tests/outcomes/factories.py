"""Outcomes test data: an accepted patient with their schedule, an answer and a link."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from alongside.outcomes import services
from alongside.outcomes.models import EntryMode, QuestionnaireDue
from tests.patients.factories import PatientFactory


def accepted_patient(service: Any, user: Any = None, **fields: Any) -> Any:
    """A patient accepted five days ago, injured a little over three months ago."""
    today = timezone.localdate()
    defaults = {
        "date_of_injury": today - dt.timedelta(days=95),
        "date_of_referral": today - dt.timedelta(days=10),
        "accepted_on": today - dt.timedelta(days=5),
        "status": "active",
        "hours_per_week": 38,
    }
    patient = PatientFactory(service=service, user=user, **{**defaults, **fields})
    services.questionnaires_schedule(patient=patient)
    return patient


def due(patient: Any, instrument_id: str, label: str = "Baseline") -> QuestionnaireDue:
    return QuestionnaireDue.objects.get(
        patient=patient, instrument_id=instrument_id, time_point__label=label
    )


def answered(patient: Any, instrument_id: str, answers: list[Any], actor: Any) -> Any:
    return services.response_submit(
        due=due(patient, instrument_id), answers=answers, mode=EntryMode.STAFF, actor=actor
    )
