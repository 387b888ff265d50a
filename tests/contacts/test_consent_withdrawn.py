"""Point 7 of issue 9: withdrawing consent to share with a mentor stops new contacts at
once, in the API and on the pages, for the mentor and the clinical team."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from alongside.contacts.models import Contact
from alongside.patients.models import ConsentKind
from alongside.patients.services import consent_withdraw
from tests.contacts.factories import home_active_match

pytestmark = pytest.mark.django_db

BODY = {"mode": "phone", "duration_minutes": 15}


def _api_log(world, persona, match):
    return world.client_for("anonymous").post(
        reverse("api:contacts_log", kwargs={"match_id": match.pk}),
        data=json.dumps(BODY),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for(persona)}"},
    )


def _withdraw(world, match) -> None:
    consent = match.patient.consents.get(kind=ConsentKind.MENTOR_SHARING)
    consent_withdraw(actor=world.people["therapist"], consent=consent)


def test_probe_7_no_contact_after_consent_withdrawn(world) -> None:
    match = home_active_match(world)
    assert _api_log(world, "mentor", match).status_code == 201  # allowed while consent stands
    _withdraw(world, match)

    for persona in ("mentor", "therapist"):
        refused = _api_log(world, persona, match)
        assert refused.status_code == 422, persona
        assert refused["Content-Type"] == "application/problem+json"
        assert [e["field"] for e in refused.json()["errors"]] == ["consent"]

    mentor = world.client_for("mentor")
    page = mentor.get(reverse("contacts:log", args=[match.pk]))
    assert page.status_code == 200
    assert "withdrawn their consent" in page.content.decode()
    assert "contact-form" not in page.content.decode()  # no form is offered
    posted = mentor.post(
        reverse("contacts:log", args=[match.pk]),
        {"contact_date": "2025-01-01", "contact_time": "10:00", "mode": "phone"},
    )
    assert posted.status_code == 409
    assert Contact.objects.filter(match=match).count() == 1  # only the one before


def test_pages_stop_offering_the_log_button(world) -> None:
    match = home_active_match(world)
    log_url = reverse("contacts:log", args=[match.pk])
    mentor, therapist = world.client_for("mentor"), world.client_for("therapist")
    assert log_url in mentor.get(reverse("contacts:mine")).content.decode()
    assert log_url in therapist.get(reverse("contacts:match", args=[match.pk])).content.decode()

    _withdraw(world, match)

    assert log_url not in mentor.get(reverse("contacts:mine")).content.decode()
    assert log_url not in mentor.get(reverse("contacts:match", args=[match.pk])).content.decode()
    assert log_url not in therapist.get(reverse("contacts:match", args=[match.pk])).content.decode()
