from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reset_e_mail_is_sent_by_the_task_worker(
    django_capture_on_commit_callbacks, run_worker
) -> None:  # type: ignore[no-untyped-def]
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


def test_unknown_address_gets_the_same_answer_and_no_mail(run_worker) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(reverse("accounts:password_reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302
    run_worker()
    assert mail.outbox == []
