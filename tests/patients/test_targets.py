"""Early-intervention targets on the case, and the daily overdue notification."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from alongside.patients import selectors, tasks
from alongside.patients.models import PatientStatus, TargetAlert
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

# Home service is in Melbourne (UTC+11 in January): its midnight is 13:00 UTC the day before.
REFERRED = dt.date(2025, 1, 10)  # a Friday; + 5 working days = Friday 17 January
DUE = dt.date(2025, 1, 17)


def _case(world):
    return PatientFactory(
        service=world.home,
        date_of_injury=dt.date(2025, 1, 2),
        date_of_admission=dt.date(2025, 1, 2),
        date_of_referral=REFERRED,
        allocated_therapist=world.people["therapist"],
    )


def _first_contact(patient):
    return selectors.targets_of(patient)[0]


def test_overdue_flips_exactly_when_the_service_day_after_the_due_date_begins(world) -> None:
    patient = _case(world)
    # 23:59:59 on the due date in Melbourne: still due.
    with time_machine.travel(dt.datetime(2025, 1, 17, 12, 59, 59, tzinfo=dt.UTC), tick=False):
        target = _first_contact(patient)
        assert target.due_on == DUE and target.state.value == "due"
    # Midnight in Melbourne: overdue.
    with time_machine.travel(dt.datetime(2025, 1, 17, 13, 0, 0, tzinfo=dt.UTC), tick=False):
        assert _first_contact(patient).state.value == "overdue"
        assert [p for p, _ in selectors.overdue_cases(patient.service.patients.all())] == [patient]


def test_recording_first_contact_stops_the_clock(world) -> None:
    patient = _case(world)
    patient.first_therapist_contact_on = DUE
    patient.save()
    with time_machine.travel(dt.datetime(2025, 2, 1, tzinfo=dt.UTC), tick=False):
        assert _first_contact(patient).state.value == "met"


def test_mentor_target_starts_at_acceptance_and_counts_calendar_days(world) -> None:
    patient = _case(world)
    with time_machine.travel(dt.datetime(2025, 3, 1, tzinfo=dt.UTC), tick=False):
        assert selectors.targets_of(patient)[1].state.value == "not_started"
    patient.accepted_on = dt.date(2025, 1, 13)
    patient.status = PatientStatus.ACTIVE
    with time_machine.travel(dt.datetime(2025, 2, 3, 12, tzinfo=dt.UTC), tick=False):
        target = selectors.targets_of(patient)[1]
        assert target.due_on == dt.date(2025, 2, 3) and target.state.value == "due"


def test_declined_and_closed_cases_are_never_overdue(world) -> None:
    patient = _case(world)
    patient.status = PatientStatus.INELIGIBLE
    patient.save()
    with time_machine.travel(dt.datetime(2025, 3, 1, tzinfo=dt.UTC), tick=False):
        assert selectors.overdue_cases(patient.service.patients.all()) == []


def test_daily_task_sends_one_email_per_newly_overdue_case(
    world, settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    patient = _case(world)
    _case(world).delete()  # keep sequences honest; only one case remains
    with time_machine.travel(dt.datetime(2025, 1, 17, 12, tzinfo=dt.UTC), tick=False):
        assert tasks.overdue_alerts_send() == 0
        assert mail.outbox == []
    with (
        time_machine.travel(dt.datetime(2025, 1, 18, 0, tzinfo=dt.UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("send_overdue_alerts", "--now")
        call_command("send_overdue_alerts", "--now")  # a second run the same day
        tasks.send_overdue_alerts.enqueue()  # and the queued task: still one e-mail
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.people["therapist"].email]
    assert "First therapist contact" in mail.outbox[0].body
    assert TargetAlert.objects.filter(patient=patient).count() == 1


def test_the_home_page_says_when_it_shows_only_some_overdue_cases(world) -> None:
    from alongside.patients.home import HOME_LIMIT

    for _ in range(HOME_LIMIT + 3):
        _case(world)
    with time_machine.travel(dt.datetime(2025, 2, 1, tzinfo=dt.UTC), tick=False):
        home = world.client_for("therapist").get("/").content.decode()
    # It once stopped at 20 without a word while the overdue list showed 23.
    assert f"{HOME_LIMIT} of {HOME_LIMIT + 3} overdue cases shown here." in home
    assert home.count("first therapist contact was due") == HOME_LIMIT


def test_the_home_page_names_the_longest_overdue_cases_first(world) -> None:
    later = PatientFactory(
        service=world.home,
        family_name="Aaronson",
        date_of_injury=dt.date(2025, 1, 20),
        date_of_admission=dt.date(2025, 1, 20),
        date_of_referral=dt.date(2025, 1, 20),
        allocated_therapist=world.people["therapist"],
    )
    earlier = _case(world)
    earlier.family_name = "Zeller"
    earlier.save(update_fields=["family_name"])
    with time_machine.travel(dt.datetime(2025, 2, 10, tzinfo=dt.UTC), tick=False):
        home = world.client_for("therapist").get("/").content.decode()
    # By name "Aaronson" would come first; by lateness "Zeller" (due 17 January) does.
    assert home.index(earlier.full_name) < home.index(later.full_name)
