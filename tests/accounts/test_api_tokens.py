from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from alongside.accounts.models import ApiToken
from tests.personas import sign_in

pytestmark = pytest.mark.django_db


def test_token_issued_in_the_ui_works_once_shown_and_stops_when_revoked(world) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, world.people["therapist"])
    page = client.post(reverse("accounts:tokens"), {"name": "reporting script"})
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


def test_issue_token_command_prints_a_working_token(world, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("issue_token", "analyst@test.example")
    secret = capsys.readouterr().out.strip()
    response = Client().get("/api/v1/services", headers={"Authorization": f"Bearer {secret}"})
    assert [s["slug"] for s in response.json()] == ["home-service"]


def test_api_hides_other_services(world) -> None:  # type: ignore[no-untyped-def]
    secret = world.token_for("outsider")
    response = Client().get(
        "/api/v1/services/home-service", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 404
