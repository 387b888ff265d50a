"""Issue 16 (a): token scopes. A token never does more than its user may, and never
more than its scopes; a missing scope is a 403 problem naming it."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from alongside.accounts.models import ApiToken
from alongside.accounts.scopes import ALL_SCOPES, SCOPES
from alongside.accounts.services import api_token_issue
from alongside.api.auth import required_scope
from alongside.patients.models import Patient
from tests.personas import sign_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _referral(world) -> dict:
    return {
        "service": world.home.slug,
        "given_name": "Jo",
        "family_name": "Scoped",
        "date_of_birth": "1990-01-01",
        "date_of_injury": "2026-10-01",
        "date_of_referral": "2026-10-10",
    }


def test_a_referral_feed_token_sends_referrals_and_reads_nothing(world) -> None:
    _, secret = api_token_issue(
        user=world.people["therapist"], name="trauma registry", scopes=["referrals:write"]
    )
    client = Client()
    created = client.post(
        reverse("api:referral_create"),
        json.dumps(_referral(world)),
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert created.status_code == 201
    # The same therapist may read patients in the pages, but this token may not.
    for path in ("/api/v1/patients", f"/api/v1/patients/{created.json()['id']}"):
        response = client.get(path, headers=_bearer(secret))
        assert response.status_code == 403 and response["Content-Type"] == PROBLEM
        body = response.json()
        assert body["required_scope"] == "patients:read" and "patients:read" in body["detail"]
    contacts = client.get("/api/v1/contacts/", headers=_bearer(secret))
    assert contacts.status_code == 403 and contacts.json()["required_scope"] == "contacts:read"
    # Who am I needs no scope.
    assert client.get("/api/v1/me", headers=_bearer(secret)).status_code == 200


def test_a_read_only_token_cannot_write(world) -> None:
    _, secret = api_token_issue(
        user=world.people["therapist"], name="dashboard", scopes=["patients:read"]
    )
    response = Client().post(
        reverse("api:referral_create"),
        json.dumps(_referral(world)),
        content_type="application/json",
        headers=_bearer(secret),
    )
    assert response.status_code == 403 and response.json()["required_scope"] == "referrals:write"
    assert not Patient.objects.filter(family_name="Scoped").exists()
    assert Client().get("/api/v1/patients", headers=_bearer(secret)).status_code == 200


def test_a_scope_never_grants_more_than_the_user_may(world) -> None:
    # The mentor holds every scope, yet may not create referrals (policy: 404 for
    # the service), and the outsider's patients:read sees nothing of the home service.
    mentor = world.token_for("mentor")
    response = Client().post(
        reverse("api:referral_create"),
        json.dumps(_referral(world)),
        content_type="application/json",
        headers=_bearer(mentor),
    )
    assert response.status_code == 404
    _, outsider = api_token_issue(
        user=world.people["outsider"], name="x", scopes=["patients:read", "services:read"]
    )
    seen = Client().get("/api/v1/patients", headers=_bearer(outsider))
    assert seen.status_code == 200
    assert not [p for p in seen.json()["items"] if p["service"] == world.home.slug]
    assert (
        Client().get(f"/api/v1/services/{world.home.slug}", headers=_bearer(outsider)).status_code
        == 404
    )


def test_out_of_scope_object_stays_404_before_any_scope_talk(world) -> None:
    _, secret = api_token_issue(user=world.people["admin"], name="x", scopes=["patients:read"])
    response = Client().get("/api/v1/patients/999999", headers=_bearer(secret))
    assert response.status_code == 404


def test_every_operation_needs_a_known_scope_declared_in_the_schema(world) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    seen = set()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if "security" not in operation:
                continue  # the schema and docs themselves
            scope = required_scope(method, path)
            assert scope is None or scope in SCOPES, (method, path, scope)
            # A token with the scope, or the signed-in session (no scopes: the pages' own).
            assert operation["security"] == [
                {"BearerToken": [scope] if scope else []},
                {"SessionCookie": []},
            ]
            assert "403" in operation["responses"]
            seen.add(scope)
    assert {"referrals:write", "patients:read", "contacts:write", "matches:write"} <= seen
    assert required_scope("GET", "/api/v1/me") is None
    assert required_scope("POST", "/api/v1/patients/referrals") == "referrals:write"
    # An unmapped resource fails closed: its scope is one no token can hold.
    assert required_scope("GET", "/api/v1/unmapped/1") not in SCOPES


def test_the_tokens_page_issues_only_the_ticked_scopes(world) -> None:
    client = Client()
    sign_in(client, world.people["therapist"])
    missing = client.post(reverse("accounts:tokens"), {"name": "x", "days": "7"})
    assert missing.status_code == 400
    assert "Tick at least one thing the token may do." in missing.content.decode()
    assert not ApiToken.objects.exists()
    page = client.post(
        reverse("accounts:tokens"),
        {"name": "dash", "days": "7", "scopes": ["reports:read", "patients:read"]},
    )
    assert page.status_code == 200
    token = ApiToken.objects.get()
    assert token.scopes == ["patients:read", "reports:read"]
    assert "patients:read, reports:read" in client.get(reverse("accounts:tokens")).content.decode()
    bogus = client.post(
        reverse("accounts:tokens"), {"name": "y", "days": "7", "scopes": ["admin:everything"]}
    )
    assert bogus.status_code == 400 and ApiToken.objects.count() == 1


def test_issue_token_takes_scopes(world, capsys) -> None:
    call_command("issue_token", "analyst@test.example", "--scopes", "reports:read,services:read")
    token = ApiToken.objects.get(user=world.people["analyst"])
    assert token.scopes == ["services:read", "reports:read"]
    assert "scopes services:read reports:read" in capsys.readouterr().err
    with pytest.raises(CommandError, match="unknown scope nope:read"):
        call_command("issue_token", "analyst@test.example", "--scopes", "nope:read")
    call_command("issue_token", "analyst@test.example", "--name", "all")
    assert ApiToken.objects.get(name="all").scopes == list(ALL_SCOPES)


def test_tokens_from_before_scopes_get_every_scope_of_their_time() -> None:
    """Scopes added later (questionnaires) are not granted to old tokens: a token never
    widens by itself; its owner makes a new one."""
    from importlib import import_module

    migration = import_module("alongside.accounts.migrations.0004_api_token_scopes")
    assert migration.ALL_SCOPES == [s for s in ALL_SCOPES if s in migration.ALL_SCOPES]
    assert not {"questionnaires:read", "exports:read"} & set(migration.ALL_SCOPES)
