"""Issue 16 (c): a retried create with the same Idempotency-Key creates nothing new and
gets the first answer; the same key with a different body is a 422."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alongside.api.models import IdempotentRequest
from alongside.contacts.models import Contact
from alongside.patients.models import Patient
from tests.contacts.factories import home_active_match

pytestmark = pytest.mark.django_db


def _referral(world, **changes: str) -> dict:
    return {
        "service": world.home.slug,
        "given_name": "Jo",
        "family_name": "Retried",
        "date_of_birth": "1990-01-01",
        "date_of_injury": "2026-10-01",
        "date_of_referral": "2026-10-10",
        "hospital_number": "H-RETRY-1",
        **changes,
    }


def _post(url: str, body: dict, token: str, key: str | None = None):
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return Client().post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_the_same_referral_posted_twice_with_one_key_creates_one(world) -> None:
    token = world.token_for("therapist")
    url = reverse("api:referral_create")
    first = _post(url, _referral(world), token, key="feed-2026-10-10-0001")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    # Same body, keys in another order: still the same request.
    reordered = dict(reversed(list(_referral(world).items())))
    again = _post(url, reordered, token, key="feed-2026-10-10-0001")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Patient.objects.filter(family_name="Retried").count() == 1
    # Without a key the duplicate check answers 409 as before.
    assert _post(url, _referral(world), token).status_code == 409


def test_the_same_key_with_another_body_is_422_and_creates_nothing(world) -> None:
    token = world.token_for("therapist")
    url = reverse("api:referral_create")
    assert _post(url, _referral(world), token, key="k1").status_code == 201
    other = _post(
        url, _referral(world, family_name="Someone", hospital_number="H-2"), token, key="k1"
    )
    assert other.status_code == 422 and other["Content-Type"] == "application/problem+json"
    assert other.json()["errors"] == [
        {"field": "Idempotency-Key", "message": "used for a different request"}
    ]
    assert not Patient.objects.filter(family_name="Someone").exists()


def test_a_refused_create_leaves_no_key_behind(world) -> None:
    token = world.token_for("therapist")
    url = reverse("api:referral_create")
    bad = _post(url, _referral(world, date_of_referral="2026-09-01"), token, key="fix-me")
    assert bad.status_code == 422 and not IdempotentRequest.objects.exists()
    assert _post(url, _referral(world), token, key="fix-me").status_code == 201


def test_keys_belong_to_their_user_and_last_a_day(world) -> None:
    url = reverse("api:referral_create")
    assert (
        _post(url, _referral(world), world.token_for("therapist"), key="shared").status_code == 201
    )
    # The manager's "shared" is their own key: a new referral (here a 409 duplicate).
    assert _post(url, _referral(world), world.token_for("admin"), key="shared").status_code == 409
    with time_machine.travel(timezone.now() + timedelta(hours=25), tick=False):
        late = _post(url, _referral(world), world.token_for("therapist"), key="shared")
    assert late.status_code == 409  # the old key expired: treated as a new request


def test_a_retried_contact_is_logged_once(world) -> None:
    match = home_active_match(world)
    token = world.token_for("mentor")
    url = reverse("api:contacts_log", kwargs={"match_id": match.pk})
    body = {"mode": "phone", "duration_minutes": 20, "reflection": "Talked about the job."}
    first = _post(url, body, token, key="c-1")
    again = _post(url, body, token, key="c-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Contact.objects.filter(match=match).count() == 1
    assert _post(url, {**body, "duration_minutes": 30}, token, key="c-1").status_code == 422
    assert _post(url, body, token, key="c-2").status_code == 201
    assert Contact.objects.filter(match=match).count() == 2


def test_the_schema_documents_the_header(world) -> None:
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/patients/referrals", "/api/v1/contacts/match/{match_id}"):
        names = [p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert names == ["Idempotency-Key"]
