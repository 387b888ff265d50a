"""A service with varied, seeded records, for comparing the reports with the raw rows."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from alongside.contacts.models import Contact
from alongside.matches.models import MatchStatus
from alongside.mentors.models import MentorStatus, WellbeingCheckIn
from alongside.outcomes.models import EntryMode, QuestionnaireResponse
from alongside.patients.models import (
    CapacityCertificate,
    EmployerContact,
    Goal,
    PatientStatus,
    WorkStatus,
)
from tests.matches.factories import MatchFactory
from tests.mentors.factories import MentorFactory
from tests.patients.factories import PatientFactory

REASONS = ["Not working at injury", "Declined the service", "Injury outside criteria"]


def _response(patient: Any, instrument_id: str, total: float, day: dt.date) -> None:
    QuestionnaireResponse.objects.create(
        patient=patient,
        instrument_id=instrument_id,
        instrument_version="1",
        answers=[],
        total=total,
        valid=True,
        completed_on=day,
        mode=EntryMode.STAFF,
    )


def populate(service: Any, *, seed: int = 7, patients: int = 40) -> dict[str, Any]:
    """Referrals over the last 300 days at every stage; returns what was made."""
    rng = random.Random(seed)
    today = timezone.localdate()
    mentors = [
        MentorFactory(
            service=service,
            status=MentorStatus.ACTIVE,
            capacity=rng.randint(1, 3),
            supervision_due_on=today + dt.timedelta(days=rng.randint(-40, 20)),
        )
        for _ in range(6)
    ]
    made = []
    for i in range(patients):
        injured = today - dt.timedelta(days=rng.randint(60, 400))
        referred = injured + dt.timedelta(days=rng.randint(3, 90))
        if referred > today - dt.timedelta(days=2):
            referred = today - dt.timedelta(days=2)
        fate = rng.random()
        fields: dict[str, Any] = {
            "date_of_injury": injured,
            "date_of_referral": referred,
            "hours_per_week": Decimal(rng.choice([20, 30, 38, 40])),
            "status": PatientStatus.REFERRED,
        }
        if rng.random() < 0.8:
            fields["first_therapist_contact_on"] = referred + dt.timedelta(days=rng.randint(0, 15))
        if fate < 0.15:
            fields.update(status=PatientStatus.INELIGIBLE, decline_reason=rng.choice(REASONS))
        elif fate > 0.25:
            fields.update(
                status=PatientStatus.ACTIVE,
                accepted_on=referred + dt.timedelta(days=rng.randint(0, 3)),
            )
        patient = PatientFactory(service=service, **fields)
        made.append(patient)
        if patient.accepted_on is None:
            continue
        if rng.random() < 0.7:
            mentor = mentors[i % len(mentors)]
            started = timezone.make_aware(
                dt.datetime.combine(
                    patient.accepted_on + dt.timedelta(days=rng.randint(1, 20)), dt.time(10)
                )
            )
            ended = rng.random() < 0.3 and started + dt.timedelta(days=60) < timezone.now()
            match = MatchFactory(
                service=service,
                patient=patient,
                mentor=mentor,
                status=MatchStatus.ENDED if ended else MatchStatus.ACTIVE,
                started_at=started,
                ended_at=started + dt.timedelta(days=60) if ended else None,
                end_reason="goals_met" if ended else "",
            )
            patient.mentor_introduced_on = started.date()
            patient.save(update_fields=["mentor_introduced_on"])
            for _ in range(rng.randint(0, 4)):
                moment = started + dt.timedelta(days=rng.randint(0, 50), hours=rng.randint(0, 8))
                if moment < timezone.now():
                    Contact.objects.create(
                        match=match,
                        service=service,
                        contact_at=moment,
                        mode="phone",
                        duration_minutes=30,
                        topics=rng.choice([["Hope and recovery"], ["Returning to work"], []]),
                    )
        if rng.random() < 0.6:
            back = patient.date_of_injury + dt.timedelta(days=rng.randint(30, 300))
            if back < today:
                WorkStatus.objects.create(
                    patient=patient,
                    from_date=back,
                    status="phased_return",
                    hours_per_week=Decimal(rng.choice([10, 20, 30, 38, 40])),
                )
        for instrument_id, high in (
            ("phq9", 27),
            ("gad7", 21),
            ("hope", 10),
            ("rtw_expectation", 10),
        ):
            for k in range(rng.randint(0, 3)):
                _response(
                    patient,
                    instrument_id,
                    rng.randint(0, high),
                    patient.accepted_on + dt.timedelta(days=30 * k),
                )
        if rng.random() < 0.5:
            Goal.objects.create(patient=patient, text="Back to work part time", status="planned")
        if rng.random() < 0.4:
            EmployerContact.objects.create(
                patient=patient, on=today, who="Line manager", summary="Phoned about return"
            )
        if rng.random() < 0.3:
            CapacityCertificate.objects.create(
                patient=patient, from_date=today, to_date=today, capacity="modified"
            )
    for mentor in mentors:
        mentor.mentee_count = mentor.matches.filter(status=MatchStatus.ACTIVE).count()
        mentor.save(update_fields=["mentee_count"])
        for k in range(3):
            WellbeingCheckIn.objects.create(
                mentor=mentor,
                score=rng.randint(1, 5),
                flagged=rng.random() < 0.3,
                submitted_at=timezone.now() - dt.timedelta(days=20 * k),
            )
    return {"patients": made, "mentors": mentors}
