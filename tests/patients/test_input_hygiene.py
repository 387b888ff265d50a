"""Input hygiene of the patient pathway (issue 9, point 9): one rule for the
referral form, the CSV import and the API; phone numbers and postcodes follow
the service's country; names refuse invisible characters; hospital numbers
are one number whatever their case."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from alongside.patients import importing, services
from alongside.patients.models import Patient
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db

INJURED = date.today() - timedelta(days=20)
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "Ann\u202eaxe" shows as "Annexa"


def _referral(**overrides):
    data = dict(
        given_name="Ana",
        family_name="Silva",
        date_of_birth=date(1985, 1, 2),
        hospital_number="UR123",
        date_of_injury=INJURED,
        date_of_referral=INJURED + timedelta(days=2),
        icd10_codes=["S06.5"],
    )
    data.update(overrides)
    return data


def _refusal(world, service, **overrides) -> dict[str, list[str]]:
    before = Patient.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            actor=world.people["therapist"], service=service, data=_referral(**overrides)
        )
    assert Patient.objects.count() == before
    return refused.value.message_dict


def test_probe_9_phone_validated_for_service_country(world) -> None:
    world.people["therapist"].memberships.create(service=world.other, role="therapist")
    melbourne = services.referral_create(
        actor=world.people["therapist"], service=world.home, data=_referral(phone="0400 000 000")
    )
    assert melbourne.phone == "+61400000000"  # E.164
    # The same digits are not a UK number: refused in Leeds, naming the field.
    problems = _refusal(world, world.other, phone="0400 000 000", hospital_number="L1")
    assert "valid phone number" in problems["phone"][0]
    leeds = services.referral_create(
        actor=world.people["therapist"],
        service=world.other,
        data=_referral(phone="0113 496 0000", hospital_number="L1"),
    )
    assert leeds.phone == "+441134960000"


def test_probe_9_postcode_validated_for_service_country(world) -> None:
    world.people["therapist"].memberships.create(service=world.other, role="therapist")
    assert "4 digits" in _refusal(world, world.home, postcode="LS1 3EX")["postcode"][0]
    assert "full UK postcode" in _refusal(world, world.other, postcode="3000")["postcode"][0]
    leeds = services.referral_create(
        actor=world.people["therapist"], service=world.other, data=_referral(postcode="ls13ex")
    )
    assert leeds.postcode == "LS1 3EX"


@pytest.mark.parametrize("field", ["given_name", "family_name", "referrer_name"])
def test_probe_9_name_refuses_bidi_override(world, field) -> None:
    problems = _refusal(world, world.home, **{field: f"Ann{RLO}axe"})
    assert list(problems) == [field]
    assert "U+202E" in problems[field][0]


def test_probe_9_names_and_numbers_are_trimmed_and_normalised(world) -> None:
    patient = services.referral_create(
        actor=world.people["therapist"],
        service=world.home,
        data=_referral(given_name="  Zoe\u0308 ", hospital_number=" ur123 ", postcode=" 3000 "),
    )
    assert (patient.given_name, patient.hospital_number, patient.postcode) == (
        "Zoë",
        "ur123",
        "3000",
    )


def test_probe_9_edit_checks_the_details_it_changes(world) -> None:
    # A number typed before these rules does not block recording the injury...
    patient = PatientFactory(service=world.home, phone="12345")
    services.patient_update(actor=world.people["therapist"], patient=patient, changes={"iss": 20})
    # ...but a new number must be valid, and is stored in E.164.
    with pytest.raises(ValidationError) as refused:
        services.patient_update(
            actor=world.people["therapist"], patient=patient, changes={"phone": "999"}
        )
    assert list(refused.value.message_dict) == ["phone"]
    updated = services.patient_update(
        actor=world.people["therapist"],
        patient=patient,
        changes={"phone": "0400 000 001", "family_name": "Lee"},
    )
    assert updated.phone == "+61400000001"
    with pytest.raises(ValidationError) as refused:
        services.patient_update(
            actor=world.people["therapist"],
            patient=patient,
            changes={"family_name": f"Lee{chr(0x2066)}"},
        )
    assert "U+2066" in refused.value.message_dict["family_name"][0]


def test_probe_9_hospital_number_duplicate_ignores_case(world) -> None:
    therapist = world.people["therapist"]
    first = services.referral_create(actor=therapist, service=world.home, data=_referral())
    for variant in ("ur123", " Ur123 ", "UR123\t"):
        with pytest.raises(services.DuplicateReferral) as caught:
            services.referral_create(
                actor=therapist, service=world.home, data=_referral(hospital_number=variant)
            )
        assert caught.value.existing == first
    # An edit that makes a second referral a case variant of the first is refused too.
    second = services.referral_create(
        actor=therapist, service=world.home, data=_referral(hospital_number="UR999")
    )
    with pytest.raises(services.DuplicateReferral):
        services.patient_update(
            actor=therapist, patient=second, changes={"hospital_number": "ur123"}
        )
    # An invisible character cannot make the same number look new.
    with pytest.raises(ValidationError) as refused:
        services.referral_create(
            actor=therapist, service=world.home, data=_referral(hospital_number="UR\u200b123")
        )
    assert "hospital number" in refused.value.message_dict["hospital_number"][0]


def test_probe_9_hospital_number_database_constraint_ignores_case(world) -> None:
    PatientFactory(service=world.home, hospital_number="MRN7", date_of_injury=INJURED)
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientFactory(service=world.home, hospital_number="mrn7", date_of_injury=INJURED)
    # Another injury, another service, or no number at all are not duplicates.
    PatientFactory(
        service=world.home, hospital_number="mrn7", date_of_injury=INJURED - timedelta(1)
    )
    PatientFactory(service=world.other, hospital_number="mrn7", date_of_injury=INJURED)
    PatientFactory(service=world.home, hospital_number="", date_of_injury=INJURED)
    PatientFactory(service=world.home, hospital_number="", date_of_injury=INJURED)


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def _row(**overrides: str) -> dict[str, str]:
    row = dict(importing.EXAMPLE_ROW)
    row.update(
        date_of_injury=INJURED.isoformat(),
        date_of_admission=INJURED.isoformat(),
        date_of_referral=(INJURED + timedelta(days=2)).isoformat(),
    )
    row.update(overrides)
    return row


def test_probe_9_import_applies_the_same_rules(world) -> None:
    PatientFactory(service=world.home, hospital_number="MRN1", date_of_injury=INJURED)
    content = _csv(
        [
            _row(hospital_number="mrn1"),  # row 2: a case variant of an existing referral
            _row(hospital_number="A7", given_name=f"Sam{RLO}"),  # row 3
            _row(hospital_number="A8", phone="0113 496 0000"),  # row 4: a Leeds number
            _row(hospital_number="A9", postcode="LS1 3EX"),  # row 5
            _row(hospital_number="B1", phone="0400 000 002"),  # row 6: fine
            _row(hospital_number="b1"),  # row 7: the same number as row 6
        ]
    )
    report = importing.referrals_check(service=world.home, content=content)
    lines = report.lines()
    assert lines[0].startswith("row 2: hospital_number: already referred")
    assert lines[1].startswith("row 3: given_name: ") and "U+202E" in lines[1]
    assert lines[2].startswith("row 4: phone: ")
    assert lines[3].startswith("row 5: postcode: ")
    assert lines[4].startswith("row 7: hospital_number: same hospital number")
    assert len(lines) == 5
    assert [(row, p.phone) for row, p in report.valid] == [(6, "+61400000002")]


def test_probe_9_referral_page_names_the_field_in_the_error_summary(world) -> None:
    client = world.client_for("therapist")
    response = client.post(
        reverse("patients:referral_create"),
        {
            "service": world.home.pk,
            "given_name": "Ana",
            "family_name": f"Sil{RLO}va",
            "date_of_birth": "1985-01-02",
            "phone": "0113 496 0000",
            "date_of_injury": INJURED,
            "date_of_referral": INJURED + timedelta(days=2),
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    summary = body.split('class="error-summary"')[1].split("</div>")[0]
    assert 'href="#id_family_name"' in summary and "U+202E" in summary
    assert 'href="#id_phone"' in summary and "valid phone number" in summary
    assert not Patient.objects.exists()


def test_probe_9_api_refuses_with_the_field_named(world) -> None:
    payload = {
        "service": world.home.slug,
        "given_name": "Ana",
        "family_name": f"Sil{RLO}va",
        "date_of_birth": "1985-01-02",
        "date_of_injury": INJURED.isoformat(),
        "date_of_referral": (INJURED + timedelta(days=2)).isoformat(),
        "postcode": "LS1 3EX",
    }

    def post(body: dict) -> tuple[int, dict]:
        response = world.client_for("anonymous").post(
            reverse("api:referral_create"),
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {world.token_for('therapist')}"},
        )
        return response.status_code, response.json()

    status, body = post(payload)
    assert status == 422
    assert {e["field"] for e in body["errors"]} == {"family_name", "postcode"}
    status, body = post({**payload, "family_name": "S" * 101, "postcode": "3000"})
    assert status == 422 and "family_name" in json.dumps(body["errors"])
    status, body = post(
        {**payload, "family_name": "Silva", "postcode": "3000", "phone": "0400000003"}
    )
    assert status == 201
    assert Patient.objects.get().phone == "+61400000003"
