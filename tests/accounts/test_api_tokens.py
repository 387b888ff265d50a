from __future__ import annotations

import zoneinfo
from datetime import timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.accounts.models import ApiToken
from alongside.accounts.services import api_token_issue
from alongside.config.middleware import service_time_zone_name
from tests.personas import sign_in

pytestmark = pytest.mark.django_db


def test_token_issued_in_the_ui_works_once_shown_and_stops_when_revoked(world) -> None:
    client = Client()
    sign_in(client, world.people["therapist"])
    page = client.post(
        reverse("accounts:tokens"),
        {"name": "reporting script", "days": "90", "scopes": ["services:read"]},
    )
    secret = page.context["new_secret"]
    assert secret.startswith("alg_") and secret in page.content.decode()
    token = ApiToken.objects.get(user=world.people["therapist"])
    assert (
        token.key_hash != secret
        and secret not in client.get(reverse("accounts:tokens")).content.decode()
    )

    api = Client()
    me = api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.json()["email"] == "therapist@test.example"
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_issue_token_command_prints_a_working_token(world, capsys) -> None:
    call_command("issue_token", "analyst@test.example")
    secret = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/services", headers={"Authorization": f"Bearer {secret}"})
    assert [s["slug"] for s in response.json()["items"]] == ["home-service"]


def test_api_hides_other_services(world) -> None:
    secret = world.token_for("outsider")
    response = Client().get(
        "/api/v1/services/home-service", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 404


def test_probe_13_tokens_expire_after_the_days_chosen_at_creation(world) -> None:
    client = Client()
    sign_in(client, world.people["therapist"])
    page = client.post(
        reverse("accounts:tokens"),
        {"name": "weekly export", "days": "7", "scopes": ["services:read"]},
    )
    token = ApiToken.objects.get(user=world.people["therapist"])
    assert timedelta(days=7) - (token.expires_at - timezone.now()) < timedelta(minutes=1)
    # The page shows the end in the service's time zone, whose date can differ from UTC's.
    zone = zoneinfo.ZoneInfo(service_time_zone_name(world.people["therapist"]))
    ends = token.expires_at.astimezone(zone)
    assert f"It stops working on {ends:%-d %B %Y}" in page.content.decode()
    bearer = {"Authorization": f"Bearer {page.context['new_secret']}"}
    with time_machine.travel(timezone.now() + timedelta(days=6, hours=23), tick=False):
        assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1), tick=False):
        assert Client().get("/api/v1/me", headers=bearer).status_code == 401
    # The owner still sees the expired token listed (and can revoke it).
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "expired" in client.get(reverse("accounts:tokens")).content.decode()


def test_probe_13_tokens_last_90_days_unless_told_otherwise(world) -> None:
    token, _ = api_token_issue(user=world.people["analyst"], name="default")
    assert abs((token.expires_at - timezone.now()) - timedelta(days=90)) < timedelta(minutes=1)
    with pytest.raises(ValueError):
        api_token_issue(user=world.people["analyst"], name="forever", days=10_000)


def test_probe_13_issue_token_takes_days(world, capsys) -> None:
    call_command("issue_token", "analyst@test.example", "--days", "2")
    printed = capsys.readouterr()
    token = ApiToken.objects.get(user=world.people["analyst"], name="command line")
    assert printed.out.strip().startswith("alg_")
    assert f"expires {token.expires_at:%Y-%m-%d}" in printed.err
    assert abs((token.expires_at - timezone.now()) - timedelta(days=2)) < timedelta(minutes=1)
    with pytest.raises(CommandError):
        call_command("issue_token", "analyst@test.example", "--days", "0")
