"""A well-being alert goes through the notifications app: the supervisor's opt-out,
quiet hours and in-app list apply to it as they do to every other message."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core import mail

from alongside.notifications.models import DeliveryStatus, Notification, NotificationPreference
from tests.mentors.factories import home_mentor


def _low_check_in(world):
    home_mentor(world)
    response = world.client_for("mentor").post(
        "/mentors/me/check-in/",
        {"score": "1", "affecting_me": "yes", "wants_to_talk": "no", "comment": "Hard week"},
    )
    assert response.status_code == 302


def test_the_alert_is_listed_in_the_supervisors_notifications(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _low_check_in(world)
    alert = Notification.objects.get(kind="mentor_wellbeing_alert")
    assert alert.recipient == world.people["therapist"]
    assert alert.subject == "A mentor would like support"
    assert "Hard week" not in alert.body  # no well-being detail leaves the app
    page = world.client_for("therapist").get("/notifications/").content.decode()
    assert "A mentor would like support" in page
    run_worker()
    alert.refresh_from_db()
    assert alert.delivery_status == DeliveryStatus.SENT
    assert [m.to for m in mail.outbox] == [["therapist@test.example"]]
    assert f"/mentors/{alert.link.split('/')[2]}/" in mail.outbox[0].body


def test_a_supervisor_who_opted_out_sees_it_in_the_app_only(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    NotificationPreference.objects.create(
        user=world.people["therapist"], opt_out_non_essential=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        _low_check_in(world)
    run_worker()
    alert = Notification.objects.get(kind="mentor_wellbeing_alert")
    assert alert.delivery_status == DeliveryStatus.SKIPPED
    assert alert.read_at is None
    assert mail.outbox == []


def test_the_alert_waits_for_the_end_of_the_supervisors_quiet_hours(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    NotificationPreference.objects.create(
        user=world.people["therapist"],
        quiet_hours_start=dt.time(21),
        quiet_hours_end=dt.time(8),
        time_zone="UTC",
    )
    with time_machine.travel(dt.datetime(2025, 3, 3, 23, 0, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            _low_check_in(world)
        run_worker()
        alert = Notification.objects.get(kind="mentor_wellbeing_alert")
        assert alert.delivery_status == DeliveryStatus.DEFERRED
        assert alert.next_attempt_at == dt.datetime(2025, 3, 4, 8, 0, tzinfo=dt.UTC)
        assert mail.outbox == []
    with time_machine.travel(dt.datetime(2025, 3, 4, 8, 1, tzinfo=dt.UTC), tick=False):
        run_worker()
    alert.refresh_from_db()
    assert alert.delivery_status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
