from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.demo.builder import ACCOUNTS

pytestmark = pytest.mark.django_db


def test_demo_creates_the_six_sign_ins_idempotently(capsys) -> None:
    call_command("demo")
    call_command("demo")
    emails = {email for email, _, _ in ACCOUNTS}
    assert set(User.objects.filter(email__in=emails).values_list("email", flat=True)) == emails
    out = capsys.readouterr().out
    assert "therapist@demo.example" in out and "alongside-demo" in out
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username="analyst@demo.example", password="alongside-demo")
    assert user is not None and policy.role_list(user) == ["analyst"]


def test_outsider_is_in_a_different_service_from_the_therapist() -> None:
    call_command("demo")
    therapist = User.objects.get(email="therapist@demo.example")
    outsider = User.objects.get(email="outsider@demo.example")
    assert not set(policy.service_ids(therapist, "patient.view")) & set(
        policy.service_ids(outsider, "patient.view")
    )


def test_reset_recreates_the_data() -> None:
    call_command("demo")
    first = User.objects.get(email="admin@demo.example").pk
    call_command("demo", "--reset")
    assert User.objects.get(email="admin@demo.example").pk != first


def test_probe_9_demo_phones_and_postcodes_are_valid_for_their_country() -> None:
    from alongside.core import person_details
    from alongside.mentors.models import Mentor
    from alongside.patients.models import Patient

    call_command("demo")
    checked = 0
    for record in [
        *Patient.objects.select_related("service"),
        *Mentor.objects.select_related("service"),
    ]:
        country = record.service.country
        assert person_details.phone_e164(record.phone, country) == record.phone
        assert person_details.postcode(record.postcode, country) == record.postcode
        checked += 1
    assert checked > 50
