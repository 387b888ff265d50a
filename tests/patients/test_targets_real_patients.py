"""Targets that fit real patients: who is told, holds, holidays, when the mentor clock starts."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.accounts.models import Membership
from alongside.accounts.policy import SYSTEM
from alongside.audit.models import AuditEvent
from alongside.matches.services import case_not_matchable_reason, waiting_patients
from alongside.notifications.models import Notification
from alongside.organisations.models import ClosureDay
from alongside.patients import selectors, services, tasks
from alongside.patients.models import PatientStatus, TargetAlert
from tests.page_text import visible_text
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

REFERRED = dt.date(2025, 1, 10)  # a Friday; + 5 working days = Friday 17 January
AFTER_DUE = dt.datetime(2025, 1, 18, 0, tzinfo=dt.UTC)  # Saturday 18th in Melbourne


def _case(world, **extra):
    values = {
        "service": world.home,
        "date_of_injury": dt.date(2025, 1, 2),
        "date_of_admission": dt.date(2025, 1, 2),
        "date_of_referral": REFERRED,
    }
    return PatientFactory(**{**values, **extra})


def _overdue_notifications():
    return Notification.objects.filter(kind="target_overdue").order_by("recipient__email")


# --- The overdue alert reaches somebody who can act ----------------------------------


def test_an_unallocated_case_is_told_to_the_managers_then_to_the_therapist_allocated(
    world, django_capture_on_commit_callbacks, settings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    patient = _case(world, allocated_therapist=None)
    with time_machine.travel(AFTER_DUE, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.overdue_alerts_send() == 1
        [told] = _overdue_notifications()
        assert told.recipient == world.people["admin"]
        assert "no therapist yet" in told.body
        assert [m.to for m in mail.outbox] == [[world.people["admin"].email]]
        alert = TargetAlert.objects.get(patient=patient)
        assert alert.sent_to == world.people["admin"].email
        # A second run tells nobody again.
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.overdue_alerts_send() == 0
        services.patient_allocate(
            actor=SYSTEM, patient=patient, therapist=world.people["therapist"]
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.overdue_alerts_send() == 1
    recipients = [n.recipient for n in _overdue_notifications()]
    assert recipients == [world.people["admin"], world.people["therapist"]]
    assert mail.outbox[-1].to == [world.people["therapist"].email]


def test_an_alert_counts_as_sent_only_when_somebody_was_told(world) -> None:
    patient = _case(world, allocated_therapist=None)
    Membership.objects.filter(service=world.home, role="admin").delete()
    with time_machine.travel(AFTER_DUE, tick=False):
        assert tasks.overdue_alerts_send() == 0
    assert not TargetAlert.objects.filter(patient=patient).exists()
    assert not _overdue_notifications().exists()
    # A manager joins: the next run tells them (the alert was not used up by nobody).
    Membership.objects.create(user=world.people["therapist"], service=world.home, role="admin")
    with time_machine.travel(AFTER_DUE, tick=False):
        assert tasks.overdue_alerts_send() == 1
    assert TargetAlert.objects.filter(patient=patient).exists()


# --- On hold (not ready) ------------------------------------------------------------


def test_a_hold_pauses_the_clocks_leaves_the_waiting_list_and_is_audited(world) -> None:
    therapist = world.people["therapist"]
    patient = _case(
        world,
        allocated_therapist=therapist,
        status=PatientStatus.ACTIVE,
        accepted_on=dt.date(2025, 1, 13),
    )
    with time_machine.travel(dt.datetime(2025, 1, 14, 1, tzinfo=dt.UTC), tick=False):
        assert patient in waiting_patients(world.home)
        services.case_hold_start(
            actor=therapist,
            patient=patient,
            reason="pta",
            review_on=dt.date(2025, 1, 28),
            note="Still in post-traumatic amnesia",
        )
        assert patient not in waiting_patients(world.home)
        assert "on hold (in post-traumatic amnesia)" in case_not_matchable_reason(patient)
        with pytest.raises(ValidationError, match="already on hold"):
            services.case_hold_start(
                actor=therapist, patient=patient, reason="pta", review_on=dt.date(2025, 1, 28)
            )
    # A fortnight later, still on hold: never overdue, and nobody is alerted.
    with time_machine.travel(dt.datetime(2025, 2, 10, 1, tzinfo=dt.UTC), tick=False):
        states = [t.state.value for t in selectors.targets_of(patient)]
        assert states == ["on_hold", "on_hold"]
        assert selectors.overdue_cases(world.home.patients.all()) == []
        assert tasks.overdue_alerts_send() == 0
        page = world.client_for("therapist").get(reverse("patients:detail", args=[patient.pk]))
        text = visible_text(page.content.decode())
        assert "On hold from 14 Jan 2025: In post-traumatic amnesia" in text
        assert "review on 28 Jan 2025" in text
        services.case_hold_release(actor=therapist, patient=patient)
        assert patient in waiting_patients(world.home)
        first, mentor = selectors.targets_of(patient)
        # Referral Fri 10 Jan: Mon 13 counted, then held from Tue 14 to Mon 10 Feb.
        assert first.due_on == dt.date(2025, 2, 13) and first.state.value == "due"
        # Accepted Mon 13 Jan: no day counted before the hold; 21 days from 10 Feb.
        assert mentor.due_on == dt.date(2025, 3, 2)
    actions = list(
        AuditEvent.objects.filter(action__startswith="patient.hold")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["patient.hold", "patient.hold_release"]


def test_the_case_page_puts_a_case_on_hold_and_releases_it(world) -> None:
    patient = _case(world, date_of_referral=dt.date.today() - dt.timedelta(days=3))
    patient.date_of_injury = patient.date_of_admission = patient.date_of_referral
    patient.save()
    client = world.client_for("therapist")
    url = reverse("patients:hold", args=[patient.pk])
    refused = client.post(url, {"reason": "", "review_on": ""})
    assert refused.status_code == 400
    review = (dt.date.today() + dt.timedelta(days=14)).isoformat()
    response = client.post(url, {"reason": "medically_unwell", "review_on": review})
    assert response.status_code == 302
    page = visible_text(client.get(reverse("patients:detail", args=[patient.pk])).content.decode())
    assert "On hold: medically unwell." in page and "Paused (case on hold)" in page
    client.post(reverse("patients:hold_release", args=[patient.pk]))
    page = visible_text(client.get(reverse("patients:detail", args=[patient.pk])).content.decode())
    assert "Put the case on hold" in page and "Paused (case on hold)" not in page


# --- Working days: the service's public holidays and closure days ----------------------


def test_working_days_skip_the_public_holidays_of_the_services_state(world) -> None:
    monday = dt.date(2025, 11, 3)  # Tuesday 4 November 2025 is Melbourne Cup Day in Victoria
    patient = _case(world, date_of_injury=monday, date_of_admission=monday, date_of_referral=monday)
    today = dt.date(2025, 11, 5)
    assert selectors.targets_of(patient, today)[0].due_on == dt.date(2025, 11, 10)
    world.home.subdivision = "VIC"
    world.home.save()
    patient.refresh_from_db()
    assert selectors.targets_of(patient, today)[0].due_on == dt.date(2025, 11, 11)
    ClosureDay.objects.create(service=world.home, on=dt.date(2025, 11, 7), reason="Staff day")
    assert selectors.targets_of(patient, today)[0].due_on == dt.date(2025, 11, 12)


# --- When the mentor-introduction clock starts -------------------------------------------


def test_the_mentor_clock_starts_at_discharge_where_the_service_says_so(world) -> None:
    patient = _case(world, status=PatientStatus.ACTIVE, accepted_on=dt.date(2025, 1, 13))
    today = dt.date(2025, 3, 1)
    assert selectors.targets_of(patient, today)[1].due_on == dt.date(2025, 2, 3)
    world.home.mentor_clock_start = "discharge"
    world.home.save()
    patient.refresh_from_db()
    assert selectors.targets_of(patient, today)[1].state.value == "not_started"
    patient.left_hospital_on = dt.date(2025, 2, 20)
    patient.save()
    mentor = selectors.targets_of(patient, today)[1]
    assert mentor.start == dt.date(2025, 2, 20) and mentor.due_on == dt.date(2025, 3, 13)


def test_the_left_hospital_date_is_recorded_on_the_injury_form(world) -> None:
    patient = _case(world, date_of_referral=dt.date.today() - dt.timedelta(days=5))
    patient.date_of_injury = patient.date_of_admission = patient.date_of_referral
    patient.save()
    future = dt.date.today() + dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="in the future"):
        services.patient_update(actor=SYSTEM, patient=patient, changes={"left_hospital_on": future})
    left = dt.date.today() - dt.timedelta(days=1)
    services.patient_update(actor=SYSTEM, patient=patient, changes={"left_hospital_on": left})
    patient.refresh_from_db()
    assert patient.left_hospital_on == left
    page = world.client_for("therapist").get(reverse("patients:detail", args=[patient.pk]))
    assert f"Left hospital {left:%-d %b %Y}" in visible_text(page.content.decode())
