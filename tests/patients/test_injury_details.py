"""Injury details follow the injury type, and impossible combinations are refused
with nothing saved: the same rule (core.injury_details) in the referral form, the
injury form, the CSV import and the API. Also the amputation side everywhere."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.accounts.policy import SYSTEM
from alongside.audit.models import AuditEvent
from alongside.patients import importing, services
from alongside.patients.models import Patient

pytestmark = pytest.mark.django_db
TODAY = date.today()
INJURED = TODAY - timedelta(days=20)


def _referral(**overrides):
    data = dict(
        given_name="Ana",
        family_name="Silva",
        date_of_birth=date(1985, 1, 2),
        hospital_number="UR-INJ-1",
        date_of_injury=INJURED,
        date_of_referral=INJURED + timedelta(days=2),
        icd10_codes=["S14.1"],
        employment_type="full_time",
    )
    data.update(overrides)
    return data


def test_a_cervical_code_with_a_thoracic_level_saves_nothing(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.referral_create(
            actor=world.people["therapist"],
            service=world.home,
            data=_referral(injury_category="sci", sci_level="T4", asia_grade="A"),
        )
    (message,) = caught.value.message_dict["sci_level"]
    assert "T4" in message and "S14.1" in message
    assert Patient.objects.count() == 0
    assert not AuditEvent.objects.filter(action="patient.create").exists()


def test_an_edit_that_contradicts_itself_changes_nothing(world) -> None:
    patient = services.referral_create(
        actor=SYSTEM,
        service=world.home,
        data=_referral(icd10_codes=["S06.5"], tbi_severity="severe", gcs=5),
    )
    with pytest.raises(ValidationError) as caught:
        services.patient_update(
            actor=world.people["therapist"],
            patient=patient,
            changes={"tbi_severity": "mild", "gcs": 5, "pta_days": 10},
        )
    assert len(caught.value.message_dict["tbi_severity"]) == 2  # one per problem
    patient.refresh_from_db()
    assert (patient.tbi_severity, patient.gcs, patient.pta_days) == ("severe", 5, None)
    assert not AuditEvent.objects.filter(action="patient.update").exists()


def test_details_of_another_kind_are_cleared_in_the_database(world) -> None:
    patient = services.referral_create(
        actor=SYSTEM,
        service=world.home,
        data=_referral(injury_category="sci", sci_level="C6", asia_grade="B", gcs=14),
    )
    patient.refresh_from_db()
    assert (patient.sci_level, patient.asia_grade, patient.gcs) == ("C6", "B", None)
    services.patient_update(
        actor=SYSTEM,
        patient=patient,
        changes={"injury_category": "tbi", "icd10_codes": ["S06.2"], "pta_days": 3},
    )
    patient.refresh_from_db()
    assert (patient.sci_level, patient.asia_grade) == ("", "")
    # The severity comes from the worst indicator recorded.
    assert (patient.tbi_severity, patient.pta_days) == ("moderate", 3)


def test_the_injury_form_shows_one_message_per_problem_and_saves_nothing(world) -> None:
    patient = services.referral_create(
        actor=SYSTEM, service=world.home, data=_referral(injury_category="sci", sci_level="C5")
    )
    client = world.client_for("therapist")
    url = reverse("patients:injury_edit", kwargs={"patient_id": patient.pk})
    response = client.post(
        url,
        {
            "injury_category": "sci",
            "icd10_codes": "S14.1",
            "sci_level": "T4",
            "asia_grade": "A",
            "date_of_injury": INJURED.isoformat(),
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        body.count("The neurological level T4 does not fit the ICD-10 code") == 2
    )  # summary + field
    patient.refresh_from_db()
    assert patient.sci_level == "C5"
    page = client.get(url).content.decode()
    # Each detail is tagged with its kind, for injury-fields.js to show only those.
    assert 'data-shown-for="sci"' in page and 'data-shown-for="amputation"' in page
    assert "alongside/injury-fields.js" in page and "alongside/combobox.js" in page


def test_the_amputation_side_is_recorded_by_form_import_and_api(world) -> None:
    client = world.client_for("therapist")
    response = client.post(
        reverse("patients:referral_create"),
        {
            "service": world.home.pk,
            "given_name": "Ana",
            "family_name": "Silva",
            "date_of_birth": "1985-01-02",
            "hospital_number": "AMP1",
            "date_of_injury": INJURED.isoformat(),
            "date_of_referral": (INJURED + timedelta(days=2)).isoformat(),
            "injury_category": "amputation",
            "icd10_codes": "S88.1",
            "amputation_site": "transtibial",
            "amputation_laterality": "left",
            "sci_level": "C5",  # another kind's detail: ignored
        },
    )
    assert response.status_code == 302
    by_form = Patient.objects.get(hospital_number="AMP1")
    assert (by_form.amputation_site, by_form.amputation_laterality) == ("transtibial", "left")
    assert by_form.sci_level == ""
    page = client.get(reverse("patients:detail", kwargs={"patient_id": by_form.pk}))
    assert "Below knee (transtibial), left" in page.content.decode()

    row = dict(importing.EXAMPLE_ROW)
    row.update(
        hospital_number="AMP2",
        injury_category="amputation",
        icd10_codes="T05.5",
        sci_level="",
        asia_grade="",
        amputation_site="transtibial",
        amputation_laterality="Both sides",
        occupation_code="",
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
    writer.writeheader()
    writer.writerow(row)
    report = importing.referrals_import(
        actor=SYSTEM, service=world.home, content=out.getvalue().encode()
    )
    assert report.ok, report.lines()
    assert Patient.objects.get(hospital_number="AMP2").amputation_laterality == "bilateral"

    payload = {
        "service": world.home.slug,
        "given_name": "Ana",
        "family_name": "Silva",
        "date_of_birth": "1985-01-02",
        "date_of_injury": INJURED.isoformat(),
        "date_of_referral": (INJURED + timedelta(days=1)).isoformat(),
        "icd10_codes": ["S48.1"],
        "amputation_site": "transhumeral",
        "amputation_laterality": "right",
        "hospital_number": "AMP3",
    }
    response = world.client_for("anonymous").post(
        reverse("api:referral_create"),
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for('therapist')}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["amputation_laterality"] == "right"
    schema = world.client_for("anonymous").get("/api/v1/openapi.json").json()
    referral_in = schema["components"]["schemas"]["ReferralIn"]["properties"]
    assert {"amputation_laterality", "pta_days", "sci_level"} <= set(referral_in)


def test_the_import_refuses_an_impossible_row_naming_it_and_writes_nothing(world) -> None:
    good = dict(importing.EXAMPLE_ROW, occupation_code="")
    bad = dict(good, hospital_number="BAD1", sci_level="T4")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
    writer.writeheader()
    writer.writerows([good, bad])
    report = importing.referrals_import(
        actor=SYSTEM, service=world.home, content=out.getvalue().encode()
    )
    assert [line.split(":")[:2] for line in report.lines()] == [["row 3", " sci_level"]]
    assert Patient.objects.count() == 0


def test_the_api_refuses_mild_with_gcs_5_and_saves_nothing(world) -> None:
    payload = {
        "service": world.home.slug,
        "given_name": "Ana",
        "family_name": "Silva",
        "date_of_birth": "1985-01-02",
        "date_of_injury": INJURED.isoformat(),
        "date_of_referral": (INJURED + timedelta(days=1)).isoformat(),
        "icd10_codes": ["S06.5"],
        "tbi_severity": "mild",
        "gcs": 5,
        "hospital_number": "API-TBI",
    }
    response = world.client_for("anonymous").post(
        reverse("api:referral_create"),
        json.dumps(payload),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for('therapist')}"},
    )
    assert response.status_code == 422
    errors = [e for e in response.json()["errors"] if e["field"] == "tbi_severity"]
    assert len(errors) == 1 and "GCS" not in errors[0]["message"]
    assert "Glasgow Coma Scale score of 13 to 15" in errors[0]["message"]
    assert Patient.objects.count() == 0
