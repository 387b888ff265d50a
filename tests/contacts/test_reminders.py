"""Nudges and reminders: each event told once, on time, respecting preferences."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from alongside.contacts import reminders
from alongside.contacts.models import EngagementSettings
from alongside.notifications.models import Notification, NotificationPreference
from alongside.notifications.reminders import reminders_send
from tests.contacts.factories import ContactFactory, home_active_match

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 1, 0, tzinfo=dt.UTC)  # 12:00 in Melbourne


def _quiet_pair(world):
    match = home_active_match(world)
    match.started_at = START
    match.save()
    ContactFactory(match=match, contact_at=START + dt.timedelta(hours=1))
    return match


def test_quiet_pair_nudge_fires_once_when_the_threshold_passes(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    _quiet_pair(world)
    with time_machine.travel(START + dt.timedelta(days=20, hours=23), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders.pair_quiet(dt.datetime.now(tz=dt.UTC)) == 0
    assert not Notification.objects.filter(kind__startswith="pair_quiet").exists()
    with time_machine.travel(START + dt.timedelta(days=21, hours=2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            counts = reminders_send()
        assert counts["pair_quiet"] == 2  # the mentor and their supervisor
        run_worker()
    for days in (22, 23, 40):
        with time_machine.travel(START + dt.timedelta(days=days, hours=2), tick=False):
            with django_capture_on_commit_callbacks(execute=True):
                assert reminders_send()["pair_quiet"] == 0
            run_worker()
    nudges = Notification.objects.filter(kind__startswith="pair_quiet")
    assert sorted(n.recipient.email for n in nudges) == sorted(
        [world.people["mentor"].email, world.people["therapist"].email]
    )
    quiet_mail = [m for m in mail.outbox if "while since" in m.subject or "gone quiet" in m.subject]
    assert len(quiet_mail) == 2


def test_a_new_quiet_spell_is_a_new_event(world) -> None:
    match = _quiet_pair(world)
    with time_machine.travel(START + dt.timedelta(days=22), tick=False):
        reminders.pair_quiet(dt.datetime.now(tz=dt.UTC))
        ContactFactory(match=match, contact_at=START + dt.timedelta(days=22))
    with time_machine.travel(START + dt.timedelta(days=44), tick=False):
        assert reminders.pair_quiet(dt.datetime.now(tz=dt.UTC)) == 2


def test_service_threshold_is_used(world) -> None:
    _quiet_pair(world)
    EngagementSettings.objects.create(
        service=world.home, first_contact_days=3, check_in_after_days=5, quiet_after_days=10
    )
    with time_machine.travel(START + dt.timedelta(days=10, hours=2), tick=False):
        assert reminders.pair_quiet(dt.datetime.now(tz=dt.UTC)) == 2


def test_first_contact_due_once(world) -> None:
    match = home_active_match(world)
    match.started_at = START
    match.save()
    now = START + dt.timedelta(days=6)
    assert reminders.first_contact_due(now) == 0
    now = START + dt.timedelta(days=7, hours=1)
    assert reminders.first_contact_due(now) == 1
    assert reminders.first_contact_due(now + dt.timedelta(days=1)) == 0
    assert Notification.objects.get(kind="first_contact_due").recipient == world.people["mentor"]


def test_opted_out_mentor_gets_it_in_the_app_only(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    _quiet_pair(world)
    NotificationPreference.objects.create(user=world.people["mentor"], opt_out_non_essential=True)
    with time_machine.travel(START + dt.timedelta(days=22), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.pair_quiet(dt.datetime.now(tz=dt.UTC))
        run_worker()
    assert [m.to for m in mail.outbox] == [[world.people["therapist"].email]]
    assert Notification.objects.filter(recipient=world.people["mentor"]).count() == 1


def test_supervision_due_and_checks_expiring(world) -> None:
    match = home_active_match(world)
    mentor = match.mentor
    today = dt.date(2025, 3, 3)
    mentor.supervision_due_on = today + dt.timedelta(days=3)
    mentor.checks_valid_until = today + dt.timedelta(days=10)
    mentor.save()
    now = START
    assert reminders.supervision_due(now) == 1
    assert reminders.supervision_due(now) == 0
    assert reminders.checks_expiring(now) == 2  # supervisor and the mentor
    assert reminders.checks_expiring(now + dt.timedelta(days=1)) == 0


def test_survey_invitation_after_the_match_ends(world) -> None:
    from tests.contacts.factories import home_ended_match

    match = home_ended_match(world)
    now = match.ended_at + dt.timedelta(days=1)
    assert reminders.survey_invite(now) == 2  # the mentor and the patient
    assert reminders.survey_invite(now) == 0


def test_command_runs_every_sweep(world, capsys) -> None:
    call_command("send_reminders", "--now")
    out = capsys.readouterr().out
    for name in ("first_contact_due", "pair_quiet", "supervision_due", "checks_expiring"):
        assert f"{name}: 0" in out
    call_command("send_reminders")
    assert "Queued the reminder task" in capsys.readouterr().out
