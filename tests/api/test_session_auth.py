"""Issue 16: the pages' own htmx calls use the signed-in session. Reads work; a write
needs the CSRF token (403 problem without it); a session does exactly what its user may
in the pages, no more; staff who have not passed their second factor are not signed in."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from alongside.contacts.models import Contact
from alongside.patients.models import Patient
from tests.contacts.factories import home_active_match
from tests.outcomes import factories as outcomes
from tests.patients.factories import PatientFactory
from tests.personas import sign_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _session(world, persona: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.people[persona])
    return client


def _csrf(client: Client) -> str:
    """The token the pages put in hx-headers (from any page the session loads)."""
    client.get(reverse("accounts:home"))
    return client.cookies["csrftoken"].value


def test_a_session_get_works_and_is_scoped_like_the_pages(world) -> None:
    mine = PatientFactory(service=world.home)
    PatientFactory(service=world.other)
    therapist = _session(world, "therapist")
    listed = therapist.get("/api/v1/patients")
    assert listed.status_code == 200
    assert [p["id"] for p in listed.json()["items"]] == [mine.pk]
    assert therapist.get("/api/v1/me").json()["email"] == world.people["therapist"].email
    # The same policy as the pages: a mentor's session sees no caseload and no answers.
    mentor = _session(world, "mentor")
    assert mentor.get("/api/v1/patients").status_code == 404
    assert mentor.get(f"/api/v1/patients/{mine.pk}").status_code == 404
    record = outcomes.accepted_patient(world.home)
    assert mentor.get(f"/api/v1/questionnaires/patients/{record.pk}").status_code == 404
    assert _session(world, "outsider").get(f"/api/v1/patients/{mine.pk}").status_code == 404


def test_no_session_and_no_token_is_401(world) -> None:
    for client in (Client(), Client(enforce_csrf_checks=True)):
        response = client.get("/api/v1/me")
        assert response.status_code == 401 and response["Content-Type"] == PROBLEM
    # A POST without either is 401 too (not a CSRF 403): nobody is signed in.
    response = Client(enforce_csrf_checks=True).post(
        reverse("api:referral_create"), "{}", content_type="application/json"
    )
    assert response.status_code == 401


def _log(client: Client, match, headers: dict[str, str]):
    return client.post(
        reverse("api:contacts_log", kwargs={"match_id": match.pk}),
        json.dumps({"mode": "phone", "duration_minutes": 20}),
        content_type="application/json",
        headers=headers,
    )


def test_a_session_post_needs_the_csrf_token(world) -> None:
    match = home_active_match(world)
    mentor = _session(world, "mentor")
    refused = _log(mentor, match, {})
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    assert "CSRF" in refused.json()["detail"]
    wrong = _log(mentor, match, {"X-CSRFToken": "x" * 32})
    assert wrong.status_code == 403
    assert not Contact.objects.exists()
    done = _log(mentor, match, {"X-CSRFToken": _csrf(mentor)})
    assert done.status_code == 201, done.content
    assert Contact.objects.get().logged_by == world.people["mentor"]


def test_a_session_never_gets_more_than_its_user(world) -> None:
    mentor = _session(world, "mentor")
    response = mentor.post(
        reverse("api:referral_create"),
        json.dumps(
            {
                "service": world.home.slug,
                "given_name": "Jo",
                "family_name": "Session",
                "date_of_birth": "1990-01-01",
                "date_of_injury": "2026-10-01",
                "date_of_referral": "2026-10-10",
            }
        ),
        content_type="application/json",
        headers={"X-CSRFToken": _csrf(mentor)},
    )
    assert response.status_code == 404
    assert not Patient.objects.filter(family_name="Session").exists()


def test_a_session_short_of_its_second_factor_is_not_signed_in(world, settings) -> None:
    settings.REQUIRE_2FA = True
    client = Client()
    client.force_login(world.people["therapist"])  # password only
    assert client.get("/api/v1/me").status_code == 401
    sign_in(client, world.people["therapist"])
    assert client.get("/api/v1/me").status_code == 200


def test_a_bad_token_does_not_fall_back_to_the_session(world) -> None:
    therapist = _session(world, "therapist")
    response = therapist.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
