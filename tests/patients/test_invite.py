"""A therapist invites a real patient to their own record (issue 12, point 5)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from alongside.accounts.models import User
from alongside.matches.models import MatchStatus
from alongside.notifications.models import Notification
from alongside.patients.models import ConsentKind, Patient
from tests.matches.factories import home_match
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _link(message: str) -> str:
    found = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message)
    assert found, message
    return found.group(1)


def test_invited_patient_sets_a_password_and_sees_their_own_record(
    world, run_worker, django_capture_on_commit_callbacks
) -> None:
    record = PatientFactory(service=world.home, given_name="Ruby", email="ruby@test.example")
    therapist = world.client_for("therapist")
    page = therapist.get(reverse("patients:detail", args=[record.pk])).content.decode()
    assert "Invite to Alongside" in page and 'value="ruby@test.example"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist.post(
            reverse("patients:invite", args=[record.pk]), {"email": "ruby@test.example"}
        )
    assert response.status_code == 302
    run_worker()
    record.refresh_from_db()
    assert record.user is not None and record.user.email == "ruby@test.example"
    assert not record.user.has_usable_password()
    (message,) = [m for m in mail.outbox if "ruby@test.example" in m.to]
    link = _link(message.body)

    from django.test import Client

    patient = Client()
    form_page = patient.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    done = patient.post(
        set_url,
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
    )
    assert done.status_code == 302
    user = User.objects.get(pk=record.user_id)
    assert user.check_password("a long new passphrase 42")
    patient.force_login(user)
    mine = patient.get(reverse("patients:mine")).content.decode()
    assert "Give consent" in mine
    # The link works once.
    again = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in again
    # The patient consents to share with a mentor, themself.
    response = patient.post(
        reverse("patients:my_consent_give", args=[record.pk]), {"kind": ConsentKind.MENTOR_SHARING}
    )
    assert response.status_code == 302
    assert Patient.objects.filter(pk=record.pk).sharing_with_mentors().exists()


def test_invite_refuses_a_staff_address(world) -> None:
    record = PatientFactory(service=world.home)
    response = world.client_for("therapist").post(
        reverse("patients:invite", args=[record.pk]), {"email": world.people["mentor"].email}
    )
    assert response.status_code == 400
    assert "member of staff or a mentor" in response.content.decode()
    record.refresh_from_db()
    assert record.user_id is None
    assert not User.objects.filter(email="").exists()


def test_withdrawal_is_complete_and_the_patient_can_consent_again(world) -> None:
    match = home_match(world, MatchStatus.ACTIVE)
    patient = world.client_for("patient")
    consent = match.patient.consents.get(kind=ConsentKind.MENTOR_SHARING)
    patient.post(reverse("patients:my_consent_withdraw", args=[consent.pk]))
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and match.needs_review
    # The therapist is told to review.
    assert Notification.objects.filter(
        recipient=world.people["therapist"], kind="match_consent_withdrawn"
    ).exists()
    # The mentor sees "ended by the service", not the patient's name.
    mentor_page = world.client_for("mentor").get(reverse("contacts:mine")).content.decode()
    assert "Ended by the service" in mentor_page
    assert match.patient.given_name not in mentor_page
    # The therapist's home lists it under "Needs review".
    home = world.client_for("therapist").get(reverse("accounts:home")).content.decode()
    assert reverse("matches:detail", args=[match.pk]) in home
    # The patient gives consent again from their page.
    mine = patient.get(reverse("patients:mine")).content.decode()
    assert "Give consent" in mine
    patient.post(
        reverse("patients:my_consent_give", args=[match.patient.pk]),
        {"kind": ConsentKind.MENTOR_SHARING},
    )
    assert Patient.objects.filter(pk=match.patient.pk).sharing_with_mentors().exists()


# --- By text message (SMS) ---------------------------------------------------------------


@pytest.fixture
def sms_outbox(settings):
    from alongside.notifications import sms

    settings.ALONGSIDE_SMS_BACKEND = "alongside.notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def test_the_sms_invitation_carries_a_link_that_works_once(
    world, run_worker, django_capture_on_commit_callbacks, sms_outbox
) -> None:
    from django.test import Client

    from alongside.audit.models import AuditEvent

    record = PatientFactory(
        service=world.home, given_name="Tama", email="tama@test.example", phone="+61412345678"
    )
    therapist = world.client_for("therapist")
    page = therapist.get(reverse("patients:detail", args=[record.pk])).content.decode()
    assert "By text message (SMS) to +61412345678" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist.post(
            reverse("patients:invite", args=[record.pk]),
            {"email": "tama@test.example", "channel": "sms"},
        )
    assert response.status_code == 302
    run_worker()
    # Sent as a text, not an e-mail.
    assert not [m for m in mail.outbox if "tama@test.example" in m.to]
    (text,) = sms_outbox
    assert text.to == "+61412345678"
    assert text.body.startswith("Alongside:") and len(text.body) <= 480
    link = _link(text.body)
    event = AuditEvent.objects.get(action="patient.invite", object_id=str(record.pk))
    assert sorted(event.fields) == ["phone", "user"]

    patient = Client()
    form_page = patient.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    assert 'name="new_password1"' in form_page.content.decode()
    done = patient.post(
        set_url,
        {"new_password1": "a long new passphrase 42", "new_password2": "a long new passphrase 42"},
    )
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.user is not None and record.user.check_password("a long new passphrase 42")
    # The link works once.
    again = Client().get(link, follow=True).content.decode()
    assert 'name="new_password1"' not in again


def test_an_sms_invitation_to_a_patient_without_a_phone_is_refused_clearly(
    world, django_capture_on_commit_callbacks, sms_outbox
) -> None:
    record = PatientFactory(service=world.home, given_name="Iris", email="", phone="")
    therapist = world.client_for("therapist")
    page = therapist.get(reverse("patients:detail", args=[record.pk])).content.decode()
    assert "A text message needs a mobile number on the record" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist.post(
            reverse("patients:invite", args=[record.pk]),
            {"email": "iris@test.example", "channel": "sms"},
        )
    assert response.status_code == 400
    assert "There is no mobile number on Iris" in response.content.decode()
    record.refresh_from_db()
    assert record.user_id is None
    assert not User.objects.filter(email="iris@test.example").exists()
    assert sms_outbox == []


def test_an_sms_invitation_to_a_landline_is_refused(world, sms_outbox) -> None:
    record = PatientFactory(service=world.home, given_name="Olive", phone="+61390000000")
    response = world.client_for("therapist").post(
        reverse("patients:invite", args=[record.pk]),
        {"email": "olive@test.example", "channel": "sms"},
    )
    assert response.status_code == 400
    assert "cannot take a text message" in response.content.decode()
    record.refresh_from_db()
    assert record.user_id is None


def test_the_file_sms_backend_appends_one_json_line(settings, tmp_path) -> None:
    import json

    from alongside.notifications import sms

    settings.ALONGSIDE_SMS_BACKEND = "alongside.notifications.sms.FileSmsBackend"
    settings.ALONGSIDE_SMS_FILE = str(tmp_path / "texts.jsonl")
    sms.sms_send(to="+61412345678", body="Hello")
    sms.sms_send(to="+61412345679", body="Again")
    lines = (tmp_path / "texts.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {"to": "+61412345678", "body": "Hello"},
        {"to": "+61412345679", "body": "Again"},
    ]
