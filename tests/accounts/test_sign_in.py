from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.hashers import get_hasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def mentor():
    return MembershipFactory(
        user=UserFactory(email="m@test.example", password=PASSWORD), role="mentor"
    ).user


def _attempt(client: Client, email: str, password: str):
    return client.post(reverse("accounts:login"), {"username": email, "password": password})


def test_passwords_are_hashed_with_argon2(mentor) -> None:
    assert get_hasher().algorithm == "argon2"
    assert mentor.password.startswith("argon2$argon2id$")


def test_sign_in_goes_home_and_is_audited(mentor) -> None:
    client = Client()
    response = _attempt(client, "M@test.example", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("accounts:home")
    assert AuditEvent.objects.filter(action="auth.sign_in", actor_id=mentor.pk).count() == 1


def test_wrong_password_is_explained_and_audited(mentor) -> None:
    response = _attempt(Client(), mentor.email, "wrong")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.object_id == str(mentor.pk) and event.actor_id is None


def test_sixth_attempt_after_five_wrong_passwords_is_locked_out(mentor) -> None:
    client = Client()
    for _ in range(4):
        assert _attempt(client, mentor.email, "wrong").status_code == 200
    # The fifth failure reaches the limit; from then on even the right password is refused.
    assert _attempt(client, mentor.email, "wrong").status_code == 429
    locked = _attempt(client, mentor.email, PASSWORD)
    assert locked.status_code == 429
    assert "sign-in is paused" in locked.content.decode()
    assert not client.session.get("_auth_user_id")
    assert AuditEvent.objects.filter(action="auth.locked_out", object_id=str(mentor.pk)).exists()


def test_lockout_is_per_account_and_address(mentor) -> None:
    other = UserFactory(email="other@test.example", password=PASSWORD)
    client = Client()
    for _ in range(5):
        _attempt(client, mentor.email, "wrong")
    assert _attempt(client, other.email, PASSWORD).status_code == 302
    from_elsewhere = Client(REMOTE_ADDR="10.9.8.7")
    assert _attempt(from_elsewhere, mentor.email, PASSWORD).status_code == 302


def test_sign_out_needs_post_and_is_audited(mentor) -> None:
    client = Client()
    client.force_login(mentor)
    # A GET (a reload, a link) never signs out: it goes to a page instead of a bare 405.
    assert client.get(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert AuditEvent.objects.filter(action="auth.sign_out", actor_id=mentor.pk).exists()
    assert client.get(reverse("accounts:home")).status_code == 302


def test_idle_sessions_expire_after_thirty_minutes(settings, mentor) -> None:
    """Activity pushes the expiry on (saving the session at most once a minute); thirty
    minutes without a request and the next one is signed out."""
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.ALONGSIDE_SESSION_REFRESH_SECONDS == 60
    home = reverse("accounts:home")
    start = timezone.now()
    client = Client()
    with time_machine.travel(start, tick=False):
        client.force_login(mentor)
        assert client.get(home).status_code == 200
    for minutes in (20, 40, 60):  # busy: each request more than a minute after the last save
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(home).status_code == 200
            assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60
    with time_machine.travel(start + dt.timedelta(minutes=60 + 31), tick=False):
        assert client.get(home).status_code == 302  # idle for 31 minutes: signed out


def test_a_busy_session_is_not_written_on_every_request(mentor) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(mentor)  # signing in saves the session, marked fresh
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:home"))
        client.get(reverse("accounts:home"))
    writes = [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "session" in q["sql"]]
    assert writes == []


def test_probe_2_lockout_counts_every_spelling_of_the_e_mail(world) -> None:
    therapist = world.people["therapist"]
    therapist.set_password(PASSWORD)
    therapist.save()
    client = Client()
    spellings = [
        "Therapist@Test.example",
        "THERAPIST@TEST.EXAMPLE",
        " therapist@test.example ",
        "therapist@TEST.example",
    ]
    for spelling in spellings:
        assert _attempt(client, spelling, "wrong").status_code == 200
    # The fifth failure, in yet another spelling, reaches the limit for the one account.
    assert _attempt(client, "tHeRaPiSt@test.EXAMPLE", "wrong").status_code == 429
    assert _attempt(client, "therapist@test.example", PASSWORD).status_code == 429
    assert not client.session.get("_auth_user_id")
