"""A therapist takes a referral through the pathway; the patient sees their own page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_therapist_takes_a_referral_to_a_first_goal(demo_site: str, page) -> None:
    today = dt.date.today()
    injured = today - dt.timedelta(days=20)
    sign_in(page, demo_site, "therapist@demo.example")
    page.get_by_role("link", name="Patients", exact=True).click()
    expect(page.get_by_role("heading", name="Patients and referrals")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="New referral").click()
    page.get_by_label("Given name").fill("Riley")
    page.get_by_label("Family name").fill("Testcase")
    page.get_by_label("Date of birth").fill("1990-04-02")
    page.get_by_label("Hospital (UR/MRN) number").fill("E2E-0001")
    page.get_by_label("Date of injury").fill(injured.isoformat())
    page.get_by_label("Date of referral").fill((injured + dt.timedelta(days=3)).isoformat())
    page.get_by_role("combobox", name="ICD-10 codes").fill("S14.1")
    page.get_by_label("Work or study at injury").select_option("full_time")
    assert_accessible(page)
    page.get_by_role("button", name="Save referral").click()

    expect(page.get_by_role("heading", name="Riley Testcase", level=1)).to_be_visible()
    checklist = page.locator("section", has=page.get_by_role("heading", name="Eligibility"))
    expect(checklist).to_contain_text("Aged 16 to 70 at injury")
    expect(checklist).to_contain_text("Spinal cord injury")
    assert_accessible(page)
    page.get_by_role("button", name="Accept referral").click()
    expect(page.get_by_text("Referral accepted.")).to_be_visible()

    consent = page.locator("form[action$='/consents/']")
    page.get_by_text("Record a consent").click()
    consent.get_by_label("Consent to").select_option("mentor_sharing")
    consent.get_by_role("button", name="Record consent").click()
    expect(page.get_by_text("Consent recorded.")).to_be_visible()

    allocation = page.locator("form[action$='/allocate/']")
    allocation.get_by_label("Allocated therapist").select_option(label="Theo Therapist")
    allocation.get_by_role("button", name="Allocate").click()
    expect(page.get_by_text("Therapist allocated.")).to_be_visible()
    expect(page.locator("p.badge, span.badge").first).to_contain_text("Active")

    page.get_by_role("link", name="Edit injury profile").click()
    page.get_by_label("SCI neurological level").select_option("C6")
    page.get_by_label("ASIA Impairment Scale").select_option("B")
    page.get_by_label("Injury Severity Score").fill("25")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Injury profile saved.")).to_be_visible()

    page.get_by_role("link", name="Edit work before injury").click()
    page.get_by_role("combobox", name="Occupation code").fill("341111")
    page.get_by_label("Hours per week before injury").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Work before injury saved.")).to_be_visible()

    goal = page.locator("form[action$='/goals/']")
    goal.get_by_role("textbox", name="Goal").fill("Visit the workplace with my therapist")
    goal.get_by_label("Target date").fill((today + dt.timedelta(days=30)).isoformat())
    goal.get_by_role("button", name="Add goal").click()
    expect(page.get_by_text("Goal added.")).to_be_visible()
    expect(page.locator("#goals").locator("..")).to_contain_text("Visit the workplace")
    expect(page.get_by_text("C6 ASIA B", exact=True)).to_be_visible()  # the injury section
    assert_accessible(page)


def test_patient_sees_their_own_page_on_a_phone(demo_site: str, phone_page) -> None:
    page = phone_page
    sign_in(page, demo_site, "patient@demo.example")
    page.goto(f"{demo_site}/patients/me/")
    expect(page.get_by_role("heading", name="My support", level=1)).to_be_visible()
    expect(page.get_by_text("Theo Therapist")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways ({width} px)"
    assert_accessible(page)
    page.get_by_role(
        "button", name="Withdraw consent to share a minimal profile with a peer mentor"
    ).click()
    expect(page.get_by_text("Your consent has been withdrawn.")).to_be_visible()
