from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.accounts import services
from alongside.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _require_2fa(settings) -> None:
    settings.REQUIRE_2FA = True


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.mark.parametrize("persona", ["admin", "therapist", "analyst"])
def test_staff_must_enrol_before_seeing_anything(world, persona: str) -> None:
    client = Client()
    client.force_login(world.people[persona])
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302 and response.url == reverse("accounts:2fa_setup")


@pytest.mark.parametrize("persona", ["mentor", "patient"])
def test_mentors_and_patients_need_no_second_factor(world, persona: str) -> None:
    client = Client()
    client.force_login(world.people[persona])
    assert client.get(reverse("accounts:home")).status_code == 200


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def test_enrolment_then_verification_on_next_sign_in(world) -> None:
    therapist = _with_password(world.people["therapist"])
    client = Client()
    client.force_login(therapist)
    assert b"<svg" not in client.get(reverse("accounts:2fa_setup")).content
    assert not TOTPDevice.objects.filter(user=therapist).exists()
    recheck = client.post(reverse("accounts:2fa_setup"), {"password": PASSWORD})
    assert recheck.status_code == 302 and recheck.url == reverse("accounts:2fa_setup")
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


def _confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def test_probe_1_setup_needs_verified_session(world) -> None:
    therapist = _with_password(world.people["therapist"])
    device = _confirmed_device(therapist)
    client = Client()
    # Signed in with the password only: the second factor is still owed.
    assert (
        client.post(
            reverse("accounts:login"), {"username": therapist.email, "password": PASSWORD}
        ).status_code
        == 302
    )
    page = client.get(reverse("accounts:2fa_setup"))
    assert page.status_code == 302 and page.url == reverse("accounts:2fa_verify")
    # Typing the password again does not help either: the old device is required.
    client.post(reverse("accounts:2fa_setup"), {"password": PASSWORD})
    assert client.get(reverse("accounts:2fa_setup")).url == reverse("accounts:2fa_verify")
    for token in ("123456", "000000"):
        client.post(reverse("accounts:2fa_setup"), {"token": token})
    assert list(TOTPDevice.objects.filter(user=therapist)) == [device]
    assert client.get(reverse("accounts:home")).url == reverse("accounts:2fa_verify")
    assert not AuditEvent.objects.filter(action="auth.second_factor_enrolled").exists()


def test_probe_1_services_refuse_a_second_device_without_the_first(world) -> None:
    therapist = world.people["therapist"]
    _confirmed_device(therapist)
    with pytest.raises(services.SecondFactorError):
        services.totp_device_start(user=therapist, session_verified=False, password_rechecked=True)


def test_probe_1_first_device_needs_the_password_again(world) -> None:
    therapist = _with_password(world.people["therapist"])
    client = Client()
    client.force_login(therapist)  # a session someone else might have borrowed
    wrong = client.post(reverse("accounts:2fa_setup"), {"password": "not the password"})
    assert wrong.status_code == 400 and "not your password" in wrong.content.decode()
    assert b"<svg" not in client.get(reverse("accounts:2fa_setup")).content
    assert not TOTPDevice.objects.filter(user=therapist).exists()


def test_probe_1_enrolment_is_e_mailed_and_a_verified_session_replaces_the_old_device(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    therapist = world.people["therapist"]
    client = world.client_for("therapist")  # verified with the persona's device
    old = TOTPDevice.objects.get(user=therapist, confirmed=True)
    page = client.get(reverse("accounts:2fa_setup"))
    assert page.status_code == 200 and b"<svg" in page.content
    new = TOTPDevice.objects.get(user=therapist, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("accounts:2fa_setup"), {"token": _code(new)})
    assert done.status_code == 302
    assert list(TOTPDevice.objects.filter(user=therapist)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    run_worker()
    assert [m.to for m in mail.outbox] == [[therapist.email]]
    assert "Two-step sign-in was set up" in mail.outbox[0].subject
    assert "If this was not you" in mail.outbox[0].body


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_probe_1_verify_ignores_a_next_on_another_site(world, target: str) -> None:
    therapist = world.people["therapist"]
    device = _confirmed_device(therapist)
    client = Client()
    client.force_login(therapist)
    response = client.post(
        reverse("accounts:2fa_verify") + f"?next={target}", {"token": _code(device)}
    )
    assert response.status_code == 302 and response.url == reverse("accounts:home")


def test_verify_follows_a_next_on_this_site(world) -> None:
    therapist = world.people["therapist"]
    device = _confirmed_device(therapist)
    client = Client()
    client.force_login(therapist)
    response = client.post(
        reverse("accounts:2fa_verify") + "?next=/accounts/tokens/", {"token": _code(device)}
    )
    assert response.url == "/accounts/tokens/"
