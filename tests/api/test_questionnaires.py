"""Issue 16: questionnaires through the API — schedule one, read answers and scores —
scoped like the outcomes pages. A mentor never sees answers, even of their own mentee."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.outcomes.models import QuestionnaireDue, TimePoint
from tests.contacts.factories import active_match
from tests.matches.factories import home_mentor
from tests.outcomes import factories

pytestmark = pytest.mark.django_db

READERS = {"admin", "therapist"}
PERSONAS = ("admin", "therapist", "mentor", "patient", "analyst", "outsider")


def _bearer(world, persona: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.token_for(persona)}"}


@pytest.fixture
def answered(world) -> Any:
    """The patient persona's record, with a GAD-7 answered, and the mentor persona as
    their active mentor."""
    patient = factories.accepted_patient(world.home, user=world.people["patient"])
    response = factories.answered(patient, "gad7", [1, 2, 1, 0, 1, 1, 2], world.people["therapist"])
    active_match(world.home, patient=patient, mentor=home_mentor(world))
    return patient, response


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading_answers_and_scores_is_the_clinical_team_s(world, answered, persona) -> None:
    patient, response = answered
    client = Client()
    urls = [
        reverse("api:questionnaire_dues", kwargs={"patient_id": patient.pk}),
        reverse("api:questionnaire_responses", kwargs={"patient_id": patient.pk}),
        reverse("api:questionnaire_response", kwargs={"response_id": response.pk}),
        reverse("api:questionnaire_time_points", kwargs={"slug": world.home.slug}),
    ]
    for url in urls:
        got = client.get(url, headers=_bearer(world, persona))
        assert got.status_code == (200 if persona in READERS else 404), (url, got.content)
        if persona not in READERS:
            assert got["Content-Type"] == "application/problem+json"
            assert "answers" not in got.content.decode()
    if persona not in READERS:
        return
    one = client.get(urls[2], headers=_bearer(world, persona)).json()
    assert one["answers"] == [1, 2, 1, 0, 1, 1, 2] and one["total"] == 8
    assert one["band"] == response.band and one["time_point"] == "Baseline"
    got = client.get(urls[0], headers=_bearer(world, persona))
    dues = got.json()["items"]
    gad7 = next(d for d in dues if d["instrument_id"] == "gad7" and d["time_point"] == "Baseline")
    assert gad7["state"] == "completed" and gad7["score"]["response_id"] == response.pk
    assert all(d["patient_id"] == patient.pk for d in dues)
    assert len(dues) == QuestionnaireDue.objects.filter(patient=patient).count()
    # The read is audited naming the patient, as the outcomes page's is.
    event = AuditEvent.objects.get(request_id=got["X-Request-ID"])
    assert f"patients.patient:{patient.pk}" in event.object_ids
    assert {"outcome.view", "outcome.list"} <= set(event.fields)


def _schedule(world, persona: str, patient, body: dict[str, Any]):
    return Client().post(
        reverse("api:questionnaire_schedule", kwargs={"patient_id": patient.pk}),
        json.dumps(body),
        content_type="application/json",
        headers=_bearer(world, persona),
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_scheduling_is_the_clinical_team_s(world, answered, persona) -> None:
    patient, _ = answered
    six_months = TimePoint.objects.get(service=world.home, label="6 months")
    QuestionnaireDue.objects.filter(
        patient=patient, time_point=six_months, instrument_id="phq9"
    ).delete()
    got = _schedule(
        world, persona, patient, {"instrument_id": "phq9", "time_point_id": six_months.pk}
    )
    exists = QuestionnaireDue.objects.filter(
        patient=patient, time_point=six_months, instrument_id="phq9"
    )
    if persona not in READERS:
        assert got.status_code == 404 and not exists.exists()
        return
    assert got.status_code == 201, got.content
    body = got.json()
    due = exists.get()
    assert body["id"] == due.pk and body["state"] == "upcoming" and body["score"] is None
    assert due.due_on == patient.date_of_injury + __import__("datetime").timedelta(days=182)
    assert AuditEvent.objects.filter(action="outcome.due_create", object_id=str(due.pk)).exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instrument_id": "gad7"}, "time_point_id"),  # missing
        ({"instrument_id": "nope", "time_point_id": 0}, "instrument_id"),  # unknown
        ({"instrument_id": "hads", "time_point_id": 0}, "instrument_id"),  # licensed, no licence
        ({"instrument_id": "gad7", "time_point_id": -1}, "time_point_id"),  # not the service's
        ({"instrument_id": "gad7", "time_point_id": 0}, "instrument_id"),  # already scheduled
    ],
)
def test_bad_schedule_names_the_field_and_saves_nothing(world, answered, body, field) -> None:
    patient, _ = answered
    if body.get("time_point_id") == 0:
        body = {
            **body,
            "time_point_id": TimePoint.objects.get(service=world.home, label="Baseline").pk,
        }
    before = QuestionnaireDue.objects.count()
    got = _schedule(world, "therapist", patient, body)
    assert got.status_code == 422 and got["Content-Type"] == "application/problem+json"
    assert field in [e["field"] for e in got.json()["errors"]], got.json()
    assert QuestionnaireDue.objects.count() == before


def test_a_time_point_of_another_service_is_refused(world, answered) -> None:
    from alongside.outcomes.services import time_points_ensure

    patient, _ = answered
    foreign = time_points_ensure(service=world.other)[0]
    got = _schedule(
        world, "therapist", patient, {"instrument_id": "gad7", "time_point_id": foreign.pk}
    )
    assert got.status_code == 422 and got.json()["errors"][0]["field"] == "time_point_id"


def test_the_scopes_are_questionnaires_read_and_write(world, answered) -> None:
    from alongside.accounts.services import api_token_issue

    patient, _ = answered
    _, secret = api_token_issue(user=world.people["therapist"], name="t", scopes=["patients:read"])
    headers = {"Authorization": f"Bearer {secret}"}
    url = reverse("api:questionnaire_dues", kwargs={"patient_id": patient.pk})
    got = Client().get(url, headers=headers)
    assert got.status_code == 403 and got.json()["required_scope"] == "questionnaires:read"
    got = Client().post(url, "{}", content_type="application/json", headers=headers)
    assert got.status_code == 403 and got.json()["required_scope"] == "questionnaires:write"
