"""Shared steps for browser tests."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from alongside.demo.builder import demo_password

_axe = Axe()


def sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(demo_password())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")


def open_menu(page: Page) -> None:
    """On a phone the navigation and Sign out fold behind the Menu button: open it."""
    page.wait_for_load_state("domcontentloaded")
    button = page.get_by_role("button", name="Menu")
    if button.is_visible() and button.get_attribute("aria-expanded") == "false":
        button.click()


def sign_out(page: Page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Sign out").click()


def assert_accessible(page: Page) -> None:
    """axe-core finds no serious or critical WCAG violation on the page as it is now."""
    results = _axe.run(
        page,
        options={
            "runOnly": {
                "type": "tag",
                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
            }
        },
    )
    bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    summary = "; ".join(
        f"{v['id']} ({v['impact']}): " + ", ".join(str(n["target"]) for n in v["nodes"][:5])
        for v in bad
    )
    assert not bad, f"{page.url}: {summary}"
