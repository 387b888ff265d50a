from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _require_2fa(settings) -> None:  # type: ignore[no-untyped-def]
    settings.REQUIRE_2FA = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.parametrize("persona", ["admin", "therapist", "analyst"])
def test_staff_must_enrol_before_seeing_anything(world, persona: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.people[persona])
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:2fa_setup")


@pytest.mark.parametrize("persona", ["mentor", "patient"])
def test_mentors_and_patients_need_no_second_factor(world, persona: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.people[persona])
    assert client.get(reverse("accounts:home")).status_code == 200


def test_enrolment_then_verification_on_next_sign_in(world) -> None:  # type: ignore[no-untyped-def]
    therapist = world.people["therapist"]
    client = Client()
    client.force_login(therapist)
    page = client.get(reverse("accounts:2fa_setup"))
    assert b"<svg" in page.content
    device = TOTPDevice.objects.get(user=therapist, confirmed=False)
    bad = client.post(
        reverse("accounts:2fa_setup"),
        {"token": "000000" if _code(device) != "000000" else "111111"},
    )
    assert bad.status_code == 400 and "did not match" in bad.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the next try for a second; skip the wait
    assert client.post(reverse("accounts:2fa_setup"), {"token": _code(device)}).status_code == 302
    assert client.get(reverse("accounts:home")).status_code == 200
    assert AuditEvent.objects.filter(
        action="auth.second_factor_enrolled", actor_id=therapist.pk
    ).exists()

    again = Client()
    again.force_login(therapist)
    assert again.get(reverse("accounts:home")).url == reverse("accounts:2fa_verify")
    device.refresh_from_db()
    device.last_t = -1  # the code above was used once; allow the same window again in the test
    device.save()
    assert again.post(reverse("accounts:2fa_verify"), {"token": _code(device)}).status_code == 302
    assert again.get(reverse("accounts:home")).status_code == 200
