"""A service manager reviews access and erases a demo patient's records after confirming.

Both pages are looked at (screenshots at desktop and 390 px) and axe finds nothing
serious on them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_manager_reviews_access_and_erases_a_patient(
    demo_site: str, page: Page, phone_page: Page
) -> None:
    from alongside.patients.models import Patient

    sign_in(page, demo_site, "admin@demo.example")
    page.get_by_role("link", name="Access review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Access review")
    expect(
        page.get_by_role("cell", name="therapist@demo.example Vocational therapist")
    ).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "privacy-access-review.png"), full_page=True)
    sign_in(phone_page, demo_site, "admin@demo.example")
    phone_page.goto(page.url)
    assert_accessible(phone_page)
    phone_page.screenshot(path=str(SCREENSHOTS / "privacy-access-review-phone.png"), full_page=True)

    patient = Patient.objects.exclude(user__email="patient@demo.example").order_by("pk").first()
    assert patient is not None
    page.goto(f"{demo_site}/privacy/erasures/")
    page.get_by_role("link", name="Erase someone's records on request").click()
    page.get_by_label("Patient").check()
    page.get_by_label("Record number").fill(str(patient.pk))
    page.get_by_label("Reason").fill("Asked by letter; identity checked by phone.")
    page.get_by_role("button", name="Add to the list").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Erase patient #{patient.pk}")
    expect(page.get_by_role("table", name="Records found")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "privacy-erasure-confirm.png"), full_page=True)
    phone_page.goto(page.url)
    assert_accessible(phone_page)
    phone_page.screenshot(
        path=str(SCREENSHOTS / "privacy-erasure-confirm-phone.png"), full_page=True
    )

    # Without the box ticked, nothing is erased and the error summary says why.
    page.get_by_role("button", name="Erase now").click()
    expect(page.get_by_role("alert")).to_contain_text("Tick the box")
    assert_accessible(page)
    page.get_by_label("I understand this cannot be undone").check()
    page.get_by_role("button", name="Erase now").click()
    expect(page.get_by_text("The records were anonymised.")).to_be_visible()
    patient.refresh_from_db()
    assert patient.given_name in ("", "[erased]") and patient.email == ""


def test_manager_changes_the_retention_periods(
    demo_site: str, page: Page, phone_page: Page
) -> None:
    sign_in(page, demo_site, "admin@demo.example")
    page.goto(f"{demo_site}/privacy/erasures/")
    page.get_by_role("link", name="Change the retention periods").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retention periods for")
    assert_accessible(page)
    # A wrong value: the error summary names the field and links to it; nothing is saved.
    page.get_by_label("Keep a child's record at least until this birthday").fill("12")
    page.get_by_role("button", name="Save retention periods").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter an age from 18 to 100.")
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "privacy-retention-error.png"), full_page=True)
    sign_in(phone_page, demo_site, "admin@demo.example")
    phone_page.goto(page.url)
    assert_accessible(phone_page)
    phone_page.screenshot(path=str(SCREENSHOTS / "privacy-retention-phone.png"), full_page=True)
    page.get_by_label("Keep a child's record at least until this birthday").fill("25")
    page.get_by_label("Years to keep an adult patient's record after discharge").fill("8")
    page.get_by_role("button", name="Save retention periods").click()
    expect(page.get_by_text("saved.")).to_be_visible()
    expect(page.get_by_text("adult patients 8 years after discharge").first).to_be_visible()
