"""Access review: roles, sign-ins, second factor, tokens; dormant flagged; bulk disable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from alongside.accounts.models import ApiToken, User
from alongside.accounts.services import api_token_issue
from alongside.audit.models import AuditEvent
from alongside.privacy import services

pytestmark = pytest.mark.django_db


def test_page_lists_roles_and_flags_dormant_accounts(world) -> None:
    User.objects.filter(pk=world.people["mentor"].pk).update(
        last_login=timezone.now() - dt.timedelta(days=120)
    )
    User.objects.filter(pk=world.people["therapist"].pk).update(last_login=timezone.now())
    api_token_issue(user=world.people["therapist"], name="script")
    page = world.client_for("admin").get("/privacy/access-review/")
    assert page.status_code == 200
    text = page.content.decode()
    rows = {line for line in text.split("<tr>") if "@test.example" in line}
    mentor_row = next(r for r in rows if "mentor@test.example" in r)
    therapist_row = next(r for r in rows if "therapist@test.example" in r)
    assert "Dormant" in mentor_row and "Dormant" not in therapist_row
    assert "Vocational therapist in Home Service" in therapist_row and ">1" in therapist_row
    # Another service's people are not listed.
    assert "outsider@test.example" not in text


def test_bulk_disable_asks_first_then_revokes_tokens_and_sessions(world) -> None:
    mentor = world.people["mentor"]
    api_token_issue(user=mentor, name="phone")
    world.client_for("mentor")  # a live session
    assert any(
        s.get_decoded().get("_auth_user_id") == str(mentor.pk) for s in Session.objects.all()
    )
    admin = world.client_for("admin")
    step = admin.post("/privacy/access-review/", {"user": [mentor.pk]})
    assert step.status_code == 200 and b"Disable these accounts?" in step.content
    mentor.refresh_from_db()
    assert mentor.is_active  # not yet
    done = admin.post("/privacy/access-review/", {"user": [mentor.pk], "confirmed": "yes"})
    assert done.status_code == 302
    mentor.refresh_from_db()
    assert not mentor.is_active
    assert not ApiToken.objects.filter(user=mentor, revoked_at__isnull=True).exists()
    assert not any(
        s.get_decoded().get("_auth_user_id") == str(mentor.pk) for s in Session.objects.all()
    )
    assert AuditEvent.objects.filter(action="account.disable", object_id=str(mentor.pk)).exists()


def test_cannot_disable_yourself_or_someone_from_another_service(world) -> None:
    admin = world.people["admin"]
    with pytest.raises(services.DisableRefused, match="your own"):
        services.accounts_disable(actor=admin, user_ids=[admin.pk])
    with pytest.raises(services.DisableRefused, match="not in your services"):
        services.accounts_disable(actor=admin, user_ids=[world.people["outsider"].pk])
    page = world.client_for("admin").post(
        "/privacy/access-review/", {"user": [admin.pk], "confirmed": "yes"}
    )
    assert page.status_code == 200 and b"cannot disable your own account" in page.content
    admin.refresh_from_db()
    assert admin.is_active
