"""Code look-up boxes and injury details that follow the injury type, in Chromium:
type "electrician", arrow down, Enter, and the record shows "3411 Electricians"."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_occupation_and_icd10_chosen_by_keyboard(demo_site: str, page) -> None:
    injured = dt.date.today() - dt.timedelta(days=20)
    sign_in(page, demo_site, "therapist@demo.example")
    page.goto(f"{demo_site}/patients/refer/")
    service = page.locator("[name=service]")
    if service.evaluate("e => e.tagName") == "SELECT":
        service.select_option(label="Alongside Melbourne (demo)")
    page.get_by_label("Given name").fill("Casey")
    page.get_by_label("Family name").fill("Lookup")
    page.get_by_label("Date of birth").fill("1988-05-06")
    page.get_by_label("Hospital (UR/MRN) number").fill("E2E-LOOKUP-1")
    page.get_by_label("Date of injury").fill(injured.isoformat())
    page.get_by_label("Date of referral").fill((injured + dt.timedelta(days=2)).isoformat())
    page.get_by_label("Work or study at injury").select_option("full_time")

    # The injury details follow the type.
    level = page.get_by_label("SCI neurological level")
    gcs = page.get_by_label("Glasgow Coma Scale (lowest)")
    expect(level).to_be_hidden()
    page.get_by_label("Injury type").select_option("tbi")
    expect(gcs).to_be_visible()
    expect(level).to_be_hidden()
    page.get_by_label("Injury type").select_option("sci")
    expect(level).to_be_visible()
    expect(gcs).to_be_hidden()
    expect(page.get_by_label("Amputation side")).to_be_hidden()

    occupation = page.get_by_role("combobox", name="Occupation code")
    occupation.press_sequentially("electrician", delay=20)
    listbox = page.get_by_role("listbox", name="Occupation code: matching codes")
    expect(listbox.get_by_role("option").first).to_contain_text("3411 Electricians")
    expect(occupation).to_have_attribute("aria-expanded", "true")
    assert_accessible(page)
    occupation.press("ArrowDown")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    option_id = listbox.get_by_role("option").first.get_attribute("id")
    expect(occupation).to_have_attribute("aria-activedescendant", option_id or "")
    occupation.press("Enter")  # chooses; does not send the form
    expect(occupation).to_have_value("3411")
    expect(occupation).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_text("Chosen: 3411 Electricians")).to_be_visible()

    codes = page.get_by_role("combobox", name="ICD-10 codes")
    codes.press_sequentially("cervical cord", delay=20)
    icd_list = page.get_by_role("listbox", name="ICD-10 codes: matching codes")
    expect(icd_list.get_by_role("option").first).to_contain_text("S14.0")
    codes.press("ArrowDown")
    codes.press("ArrowDown")
    codes.press("Enter")
    expect(codes).to_have_value("S14.1, ")
    level.select_option("C5")
    page.get_by_label("ASIA Impairment Scale").select_option("A")
    assert_accessible(page)
    page.get_by_role("button", name="Save referral").click()

    expect(page.get_by_role("heading", name="Casey Lookup", level=1)).to_be_visible()
    expect(page.get_by_text("3411 Electricians")).to_be_visible()
    cord = "S14.1 Other and unspecified injuries of cervical spinal cord"
    expect(page.get_by_text(cord)).to_be_visible()
    assert_accessible(page)


def test_an_impossible_combination_is_named_once(demo_site: str, page) -> None:
    sign_in(page, demo_site, "therapist@demo.example")
    page.goto(f"{demo_site}/patients/")
    page.get_by_role("table").get_by_role("link").first.click()
    page.get_by_role("link", name="Edit injury profile").click()
    page.get_by_label("Injury type").select_option("tbi")
    page.get_by_role("combobox", name="ICD-10 codes").fill("S06.5")
    page.get_by_label("TBI severity").select_option("mild")
    page.get_by_label("Glasgow Coma Scale (lowest)").fill("5")
    page.get_by_role("button", name="Save").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("a score of 5 means a severe injury")
    expect(summary.get_by_role("listitem")).to_have_count(1)
    assert_accessible(page)
