"""The whole pathway with real sign-ins (issue 12, "Done means").

A therapist invites a new patient; the patient sets a password on a phone and
consents; the therapist finds and proposes a mentor; the patient is told and
agrees; the mentor is told and accepts; the therapist is told and starts the
match (the first click succeeds); the mentor logs a contact with a risk-to-self
concern and sees the crisis numbers; the therapist sees it at the top of home.
No direct database writes: the test reads the database only to choose the
patient and runs the task worker, as `alongside worker` would, to send e-mail.
axe on every page; the patient's and mentor's pages fit 390 px.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a long new passphrase for Alongside 42"  # noqa: S105 - test data


def _run_worker() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay")


def _fits_a_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways on a phone ({width} px)"


def _check(page: Page, phone: bool = False) -> None:
    assert_accessible(page)
    if phone:
        _fits_a_phone(page)


def _waiting_patient_for_mina() -> tuple[int, str, str, str]:
    """A waiting demo patient with no account, for whom Mina is the top suggestion."""
    from django.utils import timezone

    from alongside.accounts.models import User
    from alongside.matches import selectors, services
    from alongside.mentors.models import Mentor

    mina = Mentor.objects.get(user__email="mentor@demo.example")
    therapist = User.objects.get(email="therapist@demo.example")
    for patient in services.waiting_patients(mina.service):
        if patient.user_id or not patient.email:
            continue
        found = selectors.find_mentor(therapist, patient, today=timezone.localdate(), limit=3)
        if found.suggestions and found.suggestions[0].mentor.pk == mina.pk:
            return patient.pk, patient.given_name, patient.full_name, patient.email
    raise AssertionError("the demo has no waiting patient whose top suggestion is Mina")


def _open_notification(page: Page, base: str, subject: str) -> None:
    page.goto(f"{base}/notifications/")
    expect(page.locator("main")).to_contain_text(subject)


def test_invite_consent_propose_agree_accept_start_and_a_crisis(
    demo_site: str, page, phone_page
) -> None:
    patient_id, given, full_name, email = _waiting_patient_for_mina()

    # 1. The therapist invites the patient from their record.
    sign_in(page, demo_site, "therapist@demo.example")
    page.goto(f"{demo_site}/patients/{patient_id}/")
    expect(page.get_by_role("heading", name="Alongside account")).to_be_visible()
    _check(page)
    expect(page.get_by_label("Patient's e-mail address")).to_have_value(email)
    page.get_by_role("button", name="Invite to Alongside").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent")
    _check(page)
    _run_worker()
    (message,) = [m for m in mail.outbox if email in m.to]
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    link = re.sub(r"^https?://[^/]+", demo_site, link)

    # 2. The patient, on a phone: chooses a password, signs in, consents.
    phone_page.goto(link)
    expect(phone_page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    _check(phone_page, phone=True)
    phone_page.get_by_label(re.compile(r"^New password \(required\)")).fill(NEW_PASSWORD)
    phone_page.get_by_label(re.compile("^New password confirmation")).fill(NEW_PASSWORD)
    phone_page.get_by_role("button", name="Save password").click()
    phone_page.goto(f"{demo_site}/accounts/login/")
    phone_page.get_by_label("E-mail").fill(email)
    phone_page.get_by_label("Password").fill(NEW_PASSWORD)
    phone_page.get_by_role("button", name="Sign in").click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Hello")
    _check(phone_page, phone=True)
    phone_page.goto(f"{demo_site}/patients/me/")
    _check(phone_page, phone=True)
    phone_page.get_by_role(
        "button", name=re.compile("share a minimal profile with a peer mentor")
    ).click()
    expect(phone_page.get_by_role("status")).to_contain_text("Consent given")
    _check(phone_page, phone=True)

    # 3. The therapist finds a mentor and proposes Mina.
    page.goto(f"{demo_site}/matches/patients/{patient_id}/find/")
    card = page.locator("li.suggestion").filter(
        has=page.get_by_role("heading", name=re.compile("Mina"))
    )
    _check(page)
    card.get_by_role("button", name="Propose Mina").click()
    expect(page.get_by_role("status")).to_contain_text("Mina Mentor was proposed")
    _check(page)

    # 4. The patient is told, and agrees.
    _open_notification(phone_page, demo_site, "A peer mentor has been suggested for you")
    _check(phone_page, phone=True)
    phone_page.goto(f"{demo_site}/")
    expect(phone_page.locator("main")).to_contain_text("A mentor has been suggested for you")
    phone_page.goto(f"{demo_site}/matches/mine/")
    _check(phone_page, phone=True)
    phone_page.get_by_role("button", name="Yes, I would like to meet Mina").click()
    expect(phone_page.get_by_role("status")).to_contain_text("We will ask Mina next")
    _check(phone_page, phone=True)
    sign_out(phone_page)

    # 5. The mentor, on a phone, is told and accepts.
    sign_in(phone_page, demo_site, "mentor@demo.example")
    expect(phone_page.locator("main")).to_contain_text(f"{given} — waiting for your answer")
    _check(phone_page, phone=True)
    _open_notification(phone_page, demo_site, "Someone would like you as their peer mentor")
    _check(phone_page, phone=True)
    phone_page.locator("li.notification", has_text="Someone would like you").first.get_by_role(
        "button", name="Open"
    ).click()
    expect(phone_page.get_by_role("heading", name=f"Will you mentor {given}?")).to_be_visible()
    expect(phone_page.locator("main")).not_to_contain_text(full_name)
    _check(phone_page, phone=True)
    phone_page.get_by_role("button", name="Accept").click()
    expect(phone_page.get_by_role("status")).to_contain_text("will introduce you")
    _check(phone_page, phone=True)

    # 6. The therapist is told ("introduce them"), and starts the match: first click.
    page.goto(f"{demo_site}/")
    expect(page.get_by_role("heading", name="Matches to act on")).to_be_visible()
    _check(page)
    _open_notification(page, demo_site, "A mentor accepted a match: please introduce them")
    page.goto(f"{demo_site}/")
    page.locator("section", has=page.get_by_role("heading", name="Matches to act on")).get_by_role(
        "link", name=re.compile(full_name)
    ).click()
    expect(page.get_by_role("heading", name="Introduce and start")).to_be_visible()
    _check(page)
    page.get_by_role("button", name="Start the match").click()
    expect(page.get_by_role("status")).to_contain_text("The match is active")
    _check(page)

    # 7. The mentor logs a contact with a risk-to-self concern and sees the numbers.
    phone_page.goto(f"{demo_site}/")
    phone_page.get_by_role("link", name=f"Log a contact with {given}").click()
    _check(phone_page, phone=True)
    phone_page.get_by_label("Phone", exact=True).check()
    phone_page.get_by_label("30 min").check()
    phone_page.locator("summary", has_text="Raise a concern").click()
    crisis = phone_page.locator("section.crisis")
    expect(crisis).to_contain_text("000")
    expect(crisis).to_contain_text("Lifeline 13 11 14")
    expect(crisis).to_contain_text("Theo Therapist")
    _check(phone_page, phone=True)
    phone_page.get_by_label("Risk to self").check()
    phone_page.get_by_label("Describe the concern").fill("Said he wonders what the point is.")
    phone_page.get_by_role("button", name="Save contact").click()
    expect(phone_page.get_by_role("heading", name="Your concern was sent")).to_be_visible()
    expect(phone_page.locator("section.crisis")).to_contain_text("Lifeline 13 11 14")
    _check(phone_page, phone=True)

    # 8. The therapist sees it at the top of home, styled as urgent.
    page.goto(f"{demo_site}/")
    urgent = page.locator("section.urgent")
    expect(urgent).to_contain_text("Risk to self")
    expect(urgent).to_contain_text(full_name)
    assert page.evaluate(
        "document.querySelector('section.urgent').compareDocumentPosition("
        "document.querySelector('.role-home')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    _check(page)
