"""A service manager walks the Settings hub (issue 12 §4) at desktop and at 390 px: every
setting is linked, each page opens and is axe-clean, a programme change shows its effect
before it is saved, and a bad closure date is named in the error summary."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SETTINGS = (
    "Service details and targets",
    "Closure days",
    "People and roles",
    "Eligibility rules",
    "Selection criteria",
    "Training modules",
    "Check renewal periods",
    "Matching weights",
    "Engagement",
    "Your notifications",
    "Records past retention and erasure",
)


def _open_hub(page: Page, base_url: str) -> str:
    sign_in(page, base_url, "admin@demo.example")
    page.get_by_role("link", name="Settings for").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    return page.url


def test_the_manager_walks_the_settings_hub(demo_site: str, page: Page, phone_page: Page) -> None:
    hub = _open_hub(page, demo_site)
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "settings-hub.png"), full_page=True)
    for label in SETTINGS:
        page.goto(hub)
        page.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)

    # A new required module: its effect first, nothing saved until "Add module".
    page.goto(hub)
    page.get_by_role("link", name="Training modules", exact=True).click()
    page.get_by_label("Title").fill("Safeguarding refresher")
    page.get_by_role("button", name="Check the effect").click()
    expect(page.get_by_role("heading", name="Before you save")).to_be_visible()
    expect(page.locator("#impact")).to_contain_text("active mentor")
    assert_accessible(page)

    # A bad closure date is named in the error summary, which links to the field.
    page.goto(hub)
    page.get_by_role("link", name="Closure days", exact=True).click()
    page.get_by_label("Reason").fill("Christmas closure")
    page.get_by_role("button", name="Add closure days").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Enter the first closed day.")
    assert page.title().startswith("Error:")
    assert_accessible(page)

    _open_hub(phone_page, demo_site)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
    phone_page.screenshot(path=str(SCREENSHOTS / "settings-hub-phone.png"), full_page=True)
    phone_page.get_by_role("link", name="Check renewal periods", exact=True).click()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
