"""Impossible or unknown input: a clear message naming the field, nothing saved."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from alongside.mentors import services
from alongside.mentors.models import Check, ExpenseClaim, Mentor
from tests.mentors.factories import PDF_BYTES, MentorFactory, home_mentor

GOOD: dict[str, Any] = {
    "first_name": "Ada",
    "last_name": "Lee",
    "injury_category": "sci",
    "capacity": 2,
}


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"date_of_injury": dt.date(2025, 6, 16)}, "date_of_injury", "future"),
        ({"capacity": -1}, "capacity", "0 to 20"),
        ({"capacity": 21}, "capacity", "0 to 20"),
        ({"icd10_codes": ["X99.9"]}, "icd10_codes", "X99.9 is not an ICD-10 code"),
        ({"icd10_codes": ["S36.1"]}, "icd10_codes", "not one of the traumatic injuries"),
        ({"icd10_codes": ["S06.2"]}, "icd10_codes", "not a code for the chosen injury category"),
        ({"occupation_code": "999999"}, "occupation_code", "ANZSCO"),
        ({"sci_level": "Z9"}, "sci_level", "neurological level"),
        ({"contact_modes": ["carrier pigeon"]}, "contact_modes", "contact mode"),
        ({"availability": ["someday"]}, "availability", "availability slot"),
        ({"willing_categories": ["burns"]}, "willing_categories", "injury category"),
        (
            {"returned_to_work_on": dt.date(2019, 1, 1), "date_of_injury": dt.date(2020, 1, 1)},
            "returned_to_work_on",
            "before the date of injury",
        ),
    ],
)
def test_service_refuses_bad_profile(world, frozen, values, field, words) -> None:
    with pytest.raises(ValidationError) as refused:
        services.mentor_create(
            actor=world.people["therapist"], service=world.home, values={**GOOD, **values}
        )
    assert words in " ".join(refused.value.message_dict[field])
    assert not Mentor.objects.exists()


def test_the_form_names_the_field_and_saves_nothing(world, frozen) -> None:
    client = world.client_for("therapist")
    response = client.post(
        "/mentors/new/",
        {
            "first_name": "Ada",
            "last_name": "Lee",
            "injury_category": "sci",
            "capacity": "25",
            "date_of_injury": "2030-01-01",
            "travel_radius_km": "20",
            "supervision_every_weeks": "4",
            "icd10_codes": "S14.1, Q99",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The date of injury cannot be in the future." in page
    assert "Ensure this value is less than or equal to 20" in page or "0 to 20" in page
    assert not Mentor.objects.exists()


def test_check_expiry_before_issue_is_refused(world, frozen) -> None:
    mentor = MentorFactory(service=world.home)
    with pytest.raises(ValidationError) as refused:
        services.check_add(
            actor=world.people["therapist"],
            mentor=mentor,
            kind="background",
            issued_on=dt.date(2025, 1, 1),
            expires_on=dt.date(2024, 12, 31),
        )
    assert "expires_on" in refused.value.message_dict
    response = world.client_for("therapist").post(
        f"/mentors/{mentor.pk}/checks/",
        {
            "kind": "background",
            "outcome": "clear",
            "issued_on": "2025-01-01",
            "expires_on": "2024-12-31",
        },
    )
    assert response.status_code == 400
    assert "The expiry date cannot be before the issue date." in response.content.decode()
    assert not Check.objects.exists()


def _claim(world, receipt):
    home_mentor(world)
    return world.client_for("mentor").post(
        "/mentors/me/expenses/new/",
        {
            "spent_on": "2025-06-01",
            "purpose": "Parking",
            "amount": "9.50",
            "receipt": receipt,
        },
    )


def test_receipt_must_really_be_an_image_or_pdf(world, frozen) -> None:
    # Named and labelled as a PDF, but it is an HTML page: the content decides.
    fake = SimpleUploadedFile(
        "receipt.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    response = _claim(world, fake)
    assert response.status_code == 400
    assert "must be a photo (JPEG, PNG, GIF or WebP) or a PDF" in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_receipt_over_5_mb_is_refused(world, frozen) -> None:
    big = SimpleUploadedFile(
        "big.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024), content_type="application/pdf"
    )
    response = _claim(world, big)
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not ExpenseClaim.objects.exists()


def test_a_real_pdf_receipt_is_accepted(world, frozen) -> None:
    response = _claim(world, SimpleUploadedFile("r.pdf", PDF_BYTES))
    assert response.status_code == 302
    claim = ExpenseClaim.objects.get()
    assert claim.receipt_content_type == "application/pdf"
    assert claim.receipt.name.endswith(".pdf") and "r.pdf" not in claim.receipt.name
