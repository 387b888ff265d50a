"""'Returned to work' follows from the work-status timeline, never from a click."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from alongside.audit.models import AuditEvent
from alongside.patients.models import PatientStatus
from alongside.patients.services import patient_status_change, work_status_add
from tests.patients.factories import PatientFactory
from tests.personas import World

pytestmark = pytest.mark.django_db


def test_an_at_work_entry_moves_the_case_and_off_work_moves_it_back(world: World) -> None:
    therapist = world.people["therapist"]
    patient = PatientFactory(service=world.home, status=PatientStatus.ACTIVE)
    back = patient.date_of_injury + dt.timedelta(days=20)
    work_status_add(
        actor=therapist, patient=patient, from_date=back, status="phased_return", hours_per_week=16
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.RETURNED_TO_WORK
    assert AuditEvent.objects.filter(action="patient.status_from_timeline").count() == 1
    work_status_add(
        actor=therapist,
        patient=patient,
        from_date=back + dt.timedelta(days=5),
        status="not_working",
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE


def test_an_older_entry_does_not_override_the_latest(world: World) -> None:
    therapist = world.people["therapist"]
    patient = PatientFactory(service=world.home, status=PatientStatus.ACTIVE)
    work_status_add(
        actor=therapist,
        patient=patient,
        from_date=patient.date_of_injury + dt.timedelta(days=20),
        status="full_return",
        hours_per_week=38,
    )
    work_status_add(
        actor=therapist, patient=patient, from_date=patient.date_of_injury, status="on_leave"
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.RETURNED_TO_WORK


def test_a_referral_not_yet_accepted_keeps_its_status(world: World) -> None:
    patient = PatientFactory(service=world.home, status=PatientStatus.REFERRED)
    work_status_add(
        actor=world.people["therapist"],
        patient=patient,
        from_date=patient.date_of_injury + dt.timedelta(days=3),
        status="full_return",
        hours_per_week=38,
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.REFERRED


def test_returned_to_work_cannot_be_set_by_hand(world: World) -> None:
    patient = PatientFactory(service=world.home, status=PatientStatus.ACTIVE)
    with pytest.raises(ValidationError, match="work-status timeline"):
        patient_status_change(
            actor=world.people["therapist"], patient=patient, status="returned_to_work"
        )
