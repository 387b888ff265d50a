from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reset_e_mail_is_sent_by_the_task_worker(
    django_capture_on_commit_callbacks, run_worker
) -> None:
    UserFactory(email="forgot@test.example", password="an old password 123")
    # Tasks are queued when the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            reverse("accounts:password_reset"), {"email": "forgot@test.example"}
        )
    assert response.status_code == 302
    assert mail.outbox == []  # queued, not sent inside the request
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["forgot@test.example"]
    assert "/accounts/password/reset/" in message.body


def test_unknown_address_gets_the_same_answer_and_no_mail(run_worker) -> None:
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    run_worker()
    assert mail.outbox == []


def _reset(email: str, ip: str = "198.51.100.1"):
    return Client(REMOTE_ADDR=ip).post(reverse("accounts:password_reset"), {"email": email})


def test_probe_11_known_and_unknown_addresses_do_the_same_work(
    django_capture_on_commit_callbacks,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    UserFactory(email="forgot@test.example", password="an old password 123")
    statements = []
    for email, ip in (
        ("forgot@test.example", "198.51.100.1"),
        ("nobody@test.example", "198.51.100.2"),
    ):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert _reset(email, ip).status_code == 302
        statements.append([q["sql"].split()[0] for q in queries])
        # The account is looked up by the worker, never in the request.
        assert not any("accounts_user" in q["sql"] for q in queries), email
    assert statements[0] == statements[1]
    queued = DBTaskResult.objects.filter(task_path__endswith="password_reset_send")
    assert sorted(t.args_kwargs["kwargs"]["email"] for t in queued) == [
        "forgot@test.example",
        "nobody@test.example",
    ]


def test_probe_11_rate_limited_per_address(settings) -> None:
    settings.ALONGSIDE_RESET_LIMIT_PER_ADDRESS = 3
    for number in range(3):
        assert _reset("forgot@test.example", ip=f"198.51.100.{number}").status_code == 302
    # A fourth request for the same inbox, from yet another client and spelling, is refused.
    refused = _reset(" Forgot@TEST.example", ip="198.51.100.9")
    assert refused.status_code == 429 and "too many requests" in refused.content.decode()
    assert _reset("someone.else@test.example", ip="198.51.100.9").status_code == 302


def test_probe_11_rate_limited_per_client(settings) -> None:
    settings.ALONGSIDE_RESET_LIMIT_PER_CLIENT = 5
    for number in range(5):
        assert _reset(f"guess{number}@test.example").status_code == 302
    assert _reset("guess6@test.example").status_code == 429
    assert _reset("guess6@test.example", ip="203.0.113.5").status_code == 302


def test_rate_limits_are_counted_in_the_database() -> None:
    from django.conf import settings
    from django.core.cache import caches

    assert settings.CACHES["rate_limits"]["BACKEND"].endswith("db.DatabaseCache")
    assert caches["rate_limits"].get("missing") is None  # the table exists (migration 0002)
