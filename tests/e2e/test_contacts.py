"""On a phone: the demo mentor logs a contact with a concern in under ten steps, and the
supervising therapist sees it on their home page straight away."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "Much more tired than last week and has stopped physio."


def test_mentor_logs_a_contact_with_a_concern_on_a_phone(
    demo_site: str, phone_page: Page, browser
) -> None:
    page = phone_page
    sign_in(page, demo_site, "mentor@demo.example")
    steps = 0

    def step() -> None:
        nonlocal steps
        steps += 1

    page.get_by_role("link", name="Log a contact with Pat").click()
    step()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log a contact with Pat")
    assert_accessible(page)
    page.get_by_label("Phone", exact=True).check()
    step()
    page.get_by_label("30 min").check()
    step()
    page.get_by_label("Returning to work").check()
    step()
    page.get_by_text("Raise a concern").click()
    step()
    page.get_by_label("Change in health").check()
    step()
    page.get_by_label("Describe the concern").fill(DESCRIPTION)
    step()
    assert_accessible(page)  # with the concern section open
    # Nothing on the form is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Save contact").click()
    step()
    assert steps < 10
    expect(page.get_by_role("status")).to_contain_text("supervising therapist has been told")
    assert_accessible(page)

    therapist_context = browser.new_context(viewport={"width": 1280, "height": 900})
    therapist = therapist_context.new_page()
    sign_in(therapist, demo_site, "therapist@demo.example")
    panel = therapist.get_by_role("region", name="Concerns from mentoring contacts")
    # Raised minutes ago (a slow machine may take past the first minute).
    just_raised = re.compile(r"raised by [^,]+, \d+\xa0minutes? ago")
    newest = panel.get_by_role("listitem").filter(has_text=just_raised)
    expect(newest).to_contain_text("Change in health")
    newest.get_by_role("link").click()
    expect(therapist.get_by_text(DESCRIPTION)).to_be_visible()
    assert_accessible(therapist)
    therapist_context.close()


def test_contacts_and_notification_pages_are_accessible(
    demo_site: str, page: Page, browser
) -> None:
    sign_in(page, demo_site, "therapist@demo.example")
    for path in (
        "/contacts/pairs/",
        "/contacts/concerns/",
        "/notifications/",
        "/notifications/preferences/",
    ):
        page.goto(demo_site + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.get_by_role("link", name=re.compile("Notifications")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")

    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    sign_in(phone, demo_site, "mentor@demo.example")
    phone.goto(demo_site + "/contacts/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("My contacts")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone)
    phone_context.close()
