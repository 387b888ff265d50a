"""Every demo role signs in, sees its home page, and the page passes axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLE_HEADINGS = {
    "admin@demo.example": "Service manager",
    "therapist@demo.example": "Vocational therapist",
    "mentor@demo.example": "My mentoring",
    "patient@demo.example": "My return to work",
    "analyst@demo.example": "Service evaluation",
    "outsider@demo.example": "Vocational therapist",
}


def test_sign_in_page_is_accessible(demo_site: str, page) -> None:
    page.goto(f"{demo_site}/accounts/login/")
    expect(page.get_by_text("Demo data — not for real patients")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("email", sorted(ROLE_HEADINGS))
def test_each_demo_role_signs_in_to_its_home(demo_site: str, page, email: str) -> None:
    sign_in(page, demo_site, email)
    expect(page.get_by_role("heading", name=ROLE_HEADINGS[email], exact=True)).to_be_visible()
    assert_accessible(page)
    if email == "therapist@demo.example":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "therapist-home.png"), full_page=True)


def test_home_works_at_320px_and_sign_out(demo_site: str, browser) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    sign_in(page, demo_site, "mentor@demo.example")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the page scrolls sideways at 320 px ({width} px wide)"
    assert_accessible(page)
    sign_out(page)
    expect(page.get_by_role("heading", name="Sign in to Alongside")).to_be_visible()
    context.close()


def test_wrong_password_is_explained(demo_site: str, page) -> None:
    page.goto(f"{demo_site}/accounts/login/")
    page.get_by_label("E-mail").fill("therapist@demo.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match an account")
    assert_accessible(page)
