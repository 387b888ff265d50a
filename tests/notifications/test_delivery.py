"""notify(): once per event; opt-out, quiet hours, retries; never sends twice."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django_tasks_db.models import DBTaskResult

from alongside.notifications import services, sms
from alongside.notifications.models import DeliveryStatus, Notification, NotificationPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _notify(user, **extra):
    values = {
        "recipient": user,
        "kind": "pair_quiet",
        "event_key": "match:1",
        "subject": "Your pair has been quiet",
        "body": "It has been three weeks.",
        "link": "/contacts/",
    }
    values.update(extra)
    return services.notify(**values)


def test_notify_once_per_event(django_capture_on_commit_callbacks, run_worker) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = _notify(user)
        second = _notify(user)
    assert first.created and not second.created
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert "/contacts/" in mail.outbox[0].body
    first.refresh_from_db()
    assert first.delivery_status == DeliveryStatus.SENT and first.email_sent_at


def test_another_event_is_another_notification(django_capture_on_commit_callbacks) -> None:
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
        _notify(user, event_key="match:2")
    assert Notification.objects.count() == 2


def test_nobody_to_tell() -> None:
    assert _notify(None) is None
    inactive = UserFactory(is_active=False)
    assert _notify(inactive) is None


def test_nothing_queued_when_the_transaction_rolls_back(django_capture_on_commit_callbacks) -> None:
    from django.db import transaction

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                _notify(user)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Notification.objects.count() == 0


def test_opt_out_keeps_reminders_in_the_app(django_capture_on_commit_callbacks, run_worker) -> None:
    user = UserFactory()
    NotificationPreference.objects.create(user=user, opt_out_non_essential=True)
    with django_capture_on_commit_callbacks(execute=True):
        reminder = _notify(user)
        alert = _notify(user, kind="concern", event_key="concern:1", essential=True)
    run_worker()
    assert [m.subject for m in mail.outbox] == [alert.subject]
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.SKIPPED
    assert reminder.read_at is None  # still listed, unread, on the notifications page


def test_quiet_hours_defer_until_morning(django_capture_on_commit_callbacks, run_worker) -> None:
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, quiet_hours_start=dt.time(21), quiet_hours_end=dt.time(8), time_zone="UTC"
    )
    with time_machine.travel(dt.datetime(2025, 3, 3, 23, 0, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notification = _notify(user)
            urgent = _notify(user, kind="concern", event_key="concern:9", essential=True)
        run_worker()
        notification.refresh_from_db()
        assert notification.delivery_status == DeliveryStatus.DEFERRED
        assert notification.next_attempt_at == dt.datetime(2025, 3, 4, 8, 0, tzinfo=dt.UTC)
        assert [m.subject for m in mail.outbox] == [urgent.subject]  # safety cannot wait
    with time_machine.travel(dt.datetime(2025, 3, 4, 8, 1, tzinfo=dt.UTC), tick=False):
        run_worker()
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.SENT
    assert len(mail.outbox) == 2


def test_smtp_down_is_retried_with_backoff_and_sent_once(
    django_capture_on_commit_callbacks, run_worker, monkeypatch
) -> None:
    user = UserFactory()
    calls = {"n": 0}
    real_send = services._send_email

    def flaky(notification):
        calls["n"] += 1
        if calls["n"] <= 2:
            raise smtplib.SMTPServerDisconnected("connection refused")
        real_send(notification)

    monkeypatch.setattr(services, "_send_email", flaky)
    start = dt.datetime(2025, 5, 1, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            notification = _notify(user)
        run_worker()
    notification.refresh_from_db()
    assert notification.attempts == 1
    assert notification.next_attempt_at == start + dt.timedelta(minutes=1)
    assert "SMTPServerDisconnected" in notification.last_error
    assert mail.outbox == []
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        run_worker()
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.next_attempt_at == start + dt.timedelta(seconds=61 + 120)
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        run_worker()
        run_worker()
        # A stray duplicate task for the same notification sends nothing more.
        services._enqueue(notification.pk)
        run_worker()
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1
    assert calls["n"] == 3


def test_gives_up_after_max_attempts(monkeypatch) -> None:
    from alongside.core import notify_rules

    user = UserFactory()
    notification = _notify(user)
    monkeypatch.setattr(services, "_send_email", lambda n: (_ for _ in ()).throw(OSError("down")))
    for _ in range(notify_rules.MAX_ATTEMPTS):
        services.notification_deliver(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.delivery_status == DeliveryStatus.FAILED
    assert notification.attempts == notify_rules.MAX_ATTEMPTS


def test_sms_through_the_configured_backend(
    settings, django_capture_on_commit_callbacks, run_worker
) -> None:
    settings.ALONGSIDE_SMS_BACKEND = "alongside.notifications.sms.LocmemSmsBackend"
    settings.ALONGSIDE_SITE_URL = "https://alongside.example"
    sms.outbox.clear()
    user = UserFactory()
    NotificationPreference.objects.create(
        user=user, sms_enabled=True, phone="+61400000000", email_enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    run_worker()
    assert [(m.to, m.body) for m in sms.outbox] == [
        ("+61400000000", "Alongside: Your pair has been quiet https://alongside.example/contacts/")
    ]
    assert mail.outbox == []


def test_delivery_is_a_queued_task(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _notify(UserFactory())
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_notification").count() == 1
