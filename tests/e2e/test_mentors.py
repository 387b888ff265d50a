"""Mentor programme in a real browser: the pipeline to active, and a phone check-in."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, open_menu, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_therapist_moves_an_applicant_through_to_active(demo_site: str, page) -> None:
    today = dt.date.today()
    sign_in(page, demo_site, "therapist@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentors").click()
    expect(page.get_by_role("heading", name="Peer mentors")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add an applicant").click()
    page.get_by_label("First name").fill("Petra")
    page.get_by_label("Last name").fill("Pipeline")
    page.get_by_label("Injury category").select_option("tbi")
    page.get_by_label("ICD-10 codes").fill("S06.2")
    page.get_by_label("Date of injury").fill((today - dt.timedelta(days=800)).isoformat())
    page.get_by_label("Returned to work on").fill((today - dt.timedelta(days=400)).isoformat())
    page.get_by_label("Occupation code", exact=True).fill("341111")
    page.get_by_label("Capacity (most mentees at once)").fill("2")
    assert_accessible(page)
    page.get_by_role("button", name="Record enquiry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Petra Pipeline")

    for step in ("screening", "checks", "training"):
        page.get_by_role("button", name=f"Move to {step}").click()
        expect(page.locator(".pipeline [aria-current=step]")).to_contain_text(step.capitalize())

    # Not yet: the page says what is missing.
    page.get_by_role("button", name="Make active").click()
    expect(page.get_by_role("alert")).to_contain_text("cannot become active yet")
    expect(page.locator("#missing")).to_contain_text("Interview done")
    assert_accessible(page)

    for criterion in (
        "Interview done",
        "Two references received",
        "Police / background check clear",
        "Signed code of conduct and confidentiality agreement",
    ):
        page.get_by_text("Record a criterion result").click()
        page.get_by_label("Criterion (required)").select_option(label=criterion)
        page.get_by_label("Met", exact=True).check()
        page.get_by_role("button", name="Record result").click()
        expect(page.get_by_role("status")).to_contain_text("Criterion result recorded")

    page.get_by_text("Add a check").click()
    page.get_by_label("Check (required)").select_option("background")
    page.get_by_label("Issued on").fill((today - dt.timedelta(days=10)).isoformat())
    page.get_by_label("Expires on").fill((today + dt.timedelta(days=1000)).isoformat())
    page.get_by_role("button", name="Add check").click()
    expect(page.get_by_role("status")).to_contain_text("Check recorded")

    for module in (
        "Introduction to peer mentoring",
        "Boundaries and confidentiality",
        "Safeguarding and raising concerns",
    ):
        page.get_by_text("Record completed training").click()
        page.get_by_label("Training module").select_option(label=module)
        page.get_by_label("Completed on").fill((today - dt.timedelta(days=2)).isoformat())
        page.get_by_role("button", name="Record training").click()
        expect(page.get_by_role("status")).to_contain_text("Training recorded")

    page.get_by_role("button", name="Make active").click()
    expect(page.get_by_role("status")).to_contain_text("Petra Pipeline is now active")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")
    expect(page.get_by_text("Can take a new mentee")).to_be_visible()
    assert_accessible(page)


def test_a_mentor_checks_in_from_a_phone(demo_site: str, phone_page) -> None:
    page = phone_page
    sign_in(page, demo_site, "mentor@demo.example")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentoring").click()
    expect(page.get_by_role("heading", name="My mentoring", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="My mentees")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Check in").click()
    page.get_by_label("2 — finding it hard").check()
    page.get_by_role("group", name="Is mentoring affecting you").get_by_label("Yes").check()
    page.get_by_role("group", name="Would you like to talk").get_by_label("No").check()
    page.get_by_label("Anything else you want to tell us").fill("A hard visit this week.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.get_by_role("button", name="Send check-in").click()
    # A low check-in answers with support, then leads back to the mentor's page.
    expect(page.get_by_role("heading", name="Support for you", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Your supervisor has been told")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.get_by_role("link", name="Back to my mentoring").click()
    expect(page.get_by_role("heading", name="My check-ins")).to_be_visible()
    assert_accessible(page)


def test_a_mentor_asks_to_talk_and_the_supervisor_books_the_debrief(
    demo_site: str, phone_page, browser
) -> None:
    page = phone_page
    sign_in(page, demo_site, "mentor@demo.example")
    page.goto(demo_site + "/mentors/me/check-in/")
    page.get_by_label("4 —").check()
    page.get_by_role("group", name="Is mentoring affecting you").get_by_label("No").check()
    page.get_by_role("group", name="Would you like to talk").get_by_label("Yes").check()
    page.get_by_role("button", name="Send check-in").click()
    expect(page.get_by_role("heading", name="Support for you", level=1)).to_be_visible()
    page.get_by_role("link", name="Back to my mentoring").click()
    expect(page.locator("#debrief-note")).to_have_text(
        "Your supervisor will contact you to talk it through."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    therapist = context.new_page()
    sign_in(therapist, demo_site, "therapist@demo.example")
    item = therapist.get_by_role("listitem").filter(has_text="Asked to talk to their supervisor")
    item.filter(has_text="Mina Mentor").get_by_role("link", name="Mina Mentor").click()
    expect(therapist.get_by_role("heading", name="Debrief to arrange")).to_be_visible()
    assert_accessible(therapist)
    when = dt.date.today() + dt.timedelta(days=3)
    therapist.get_by_label("Book the debrief on").first.fill(when.isoformat())
    therapist.get_by_role("button", name="Book", exact=True).first.click()
    expect(therapist.get_by_role("status")).to_contain_text("Debrief booked for")
    context.close()

    page.reload()
    expect(page.locator("#debrief-note")).to_contain_text("has booked a time to talk it through")


def test_a_mentor_keeps_their_own_profile_current_on_a_phone(demo_site: str, phone_page) -> None:
    from tests.e2e.conftest import SCREENSHOTS

    page = phone_page
    sign_in(page, demo_site, "mentor@demo.example")
    open_menu(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My mentoring").click()
    page.get_by_role("link", name="Update my profile").click()
    expect(page.get_by_role("heading", name="My profile", level=1)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "mentor-own-profile.png"), full_page=True)

    # A mistake first: the summary names the field, the page title says "Error:".
    page.get_by_label("How far will you travel to meet someone (km)?").fill("900")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter how far you will travel, from 0 to 300 km"
    )
    assert page.title().startswith("Error:")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    page.get_by_label("How far will you travel to meet someone (km)?").fill("12")
    page.get_by_role("group", name="When are you usually available?").get_by_label(
        "Saturday morning"
    ).check()
    page.get_by_label("Topics you prefer not to discuss").fill("the crash itself")
    page.get_by_role("button", name="Save my profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved")
    expect(page.get_by_role("heading", name="My mentoring", level=1)).to_be_visible()
