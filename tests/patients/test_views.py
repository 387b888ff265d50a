"""Pages: caseload without N+1, referral form, case page, import preview, own page."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.patients import importing
from alongside.patients.models import Patient
from tests.access import READ_AUDIT_QUERIES
from tests.page_text import visible_text
from tests.patients.factories import ConsentFactory, GoalFactory, PatientFactory

pytestmark = pytest.mark.django_db


def test_caseload_queries_do_not_grow_with_patients(world, django_assert_max_num_queries) -> None:
    client = world.client_for("therapist")
    for _ in range(3):
        PatientFactory(service=world.home, allocated_therapist=world.people["therapist"])
    # 13: the page, plus the case holds (prefetched) and the service's closure days.
    with django_assert_max_num_queries(13 + READ_AUDIT_QUERIES) as small:
        client.get(reverse("patients:list"))
    for _ in range(30):
        PatientFactory(service=world.home, allocated_therapist=world.people["therapist"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("patients:list") + "?status=referred&therapist=me")
    assert response.status_code == 200
    assert response.content.count(b'scope="row"') == 33


def test_caseload_never_shows_another_services_patients(world) -> None:
    PatientFactory(service=world.other, family_name="Elsewhere")
    PatientFactory(service=world.home, family_name="Homely")
    body = world.client_for("therapist").get(reverse("patients:list")).content.decode()
    assert "Homely" in body and "Elsewhere" not in body


def test_referral_form_saves_and_the_duplicate_is_linked(world) -> None:
    client = world.client_for("therapist")
    injured = date.today() - timedelta(days=20)
    data = {
        "service": world.home.pk,
        "given_name": "Ana",
        "family_name": "Silva",
        "date_of_birth": "1985-01-02",
        "hospital_number": "UR9",
        "date_of_injury": injured,
        "date_of_referral": injured + timedelta(days=2),
        "icd10_codes": "S06.5, S82.2",
    }
    response = client.post(reverse("patients:referral_create"), data)
    patient = Patient.objects.get()
    assert response.status_code == 302 and patient.icd10_codes == ["S06.5", "S82.2"]
    response = client.post(reverse("patients:referral_create"), data)
    assert response.status_code == 400
    assert (
        reverse("patients:detail", kwargs={"patient_id": patient.pk}) in response.content.decode()
    )
    assert Patient.objects.count() == 1


def test_referral_form_names_the_bad_field(world) -> None:
    client = world.client_for("therapist")
    response = client.post(
        reverse("patients:referral_create"),
        {
            "service": world.home.pk,
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1985-01-02",
            "date_of_injury": "2025-03-10",
            "date_of_referral": "2025-03-01",
            "icd10_codes": "Q99",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The referral date is before the date of injury." in body
    assert "Q99" in body


def test_case_page_shows_the_checklist_and_is_audited(world) -> None:
    patient = PatientFactory(service=world.home)
    response = world.client_for("therapist").get(reverse("patients:detail", args=[patient.pk]))
    body = response.content.decode()
    assert "Aged 16 to 70 at injury" in body and "Referred within 12 weeks of injury" in body
    event = AuditEvent.objects.get(request_id=response["X-Request-ID"], action="read")
    assert event.fields == ["patient.view"] and event.object_id == str(patient.pk)


def test_goal_with_errors_re_shows_the_case_page(world) -> None:
    patient = PatientFactory(service=world.home)
    response = world.client_for("therapist").post(
        reverse("patients:goal_add", args=[patient.pk]), {"goal-text": ""}
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_import_page_previews_then_confirms(world, run_worker) -> None:
    client = world.client_for("therapist")
    upload = SimpleUploadedFile("r.csv", importing.template_csv().encode(), "text/csv")
    response = client.post(reverse("patients:import"), {"service": world.home.pk, "file": upload})
    assert response.status_code == 302
    job_page = response["Location"]
    run_worker()
    response = client.get(job_page)
    assert response.status_code == 200 and "1 valid" in response.content.decode()
    assert not Patient.objects.exists()
    response = client.post(job_page + "confirm/")
    assert response.status_code == 302
    run_worker()
    assert Patient.objects.filter(service=world.home, hospital_number="MRN0012345").exists()
    assert "Imported 1 referrals" in client.get(job_page).content.decode()


def test_patients_own_page_shows_shared_goals_only_and_withdraws(world) -> None:
    patient = PatientFactory(service=world.home, user=world.people["patient"], iss=33)
    consent = ConsentFactory(patient=patient)
    GoalFactory(patient=patient, text="Shared goal")
    GoalFactory(patient=patient, text="Private note goal", shared_with_patient=False)
    client = world.client_for("patient")
    body = client.get(reverse("patients:mine")).content.decode()
    assert "Shared goal" in body and "Private note goal" not in body
    # Nothing clinical in what the page says. Only the text is read: the raw HTML
    # carries a random CSRF token and CSP nonce, which may contain "33" by chance.
    text = visible_text(body)
    assert "Injury Severity Score" not in text and not re.search(r"\b33\b", text)
    assert "S14.1" not in text
    response = client.post(reverse("patients:my_consent_withdraw", args=[consent.pk]))
    assert response.status_code == 302
    assert not Patient.objects.sharing_with_mentors().filter(pk=patient.pk).exists()


def test_api_creates_a_referral_in_scope_only(world) -> None:
    injured = date.today() - timedelta(days=20)
    payload = {
        "service": world.home.slug,
        "given_name": "Ana",
        "family_name": "Silva",
        "date_of_birth": "1985-01-02",
        "date_of_injury": injured.isoformat(),
        "date_of_referral": (injured + timedelta(days=1)).isoformat(),
        "icd10_codes": ["S14.1"],
        "hospital_number": "API1",
    }
    url = reverse("api:referral_create")

    def post(persona: str, body: dict) -> int:
        token = world.token_for(persona)
        response = world.client_for("anonymous").post(
            url,
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        return response.status_code, response.json()

    assert post("outsider", payload)[0] == 404
    assert post("mentor", payload)[0] == 404
    status, body = post("therapist", payload)
    assert status == 201 and body["eligibility"][0]["outcome"] == "met"
    status, body = post("therapist", payload)
    assert status == 409 and body["existing_id"] == Patient.objects.get().pk
    status, body = post("therapist", {**payload, "hospital_number": "API2", "icd10_codes": ["Z1"]})
    assert status == 422 and "icd10_codes" in [e["field"] for e in body["errors"]]
