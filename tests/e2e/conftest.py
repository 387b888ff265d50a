"""Browser tests: Playwright drives the system's Chromium (never a downloaded one).

Without a Chromium the browser tests are skipped with one line of reason,
except under CI (CI=true), where a missing browser fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
# The flags a closed network and a root sandbox need (see docs/testing in the README).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def _chromium() -> str | None:
    configured = os.environ.get("ALONGSIDE_CHROMIUM")
    if configured:
        return configured
    for path in CHROMIUM_PATHS:
        if Path(path).exists():
            return path
    return shutil.which("chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _chromium():
        return
    if os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError("CI=true but no Chromium found: install Debian's chromium package")
    skip = pytest.mark.skip(
        reason="no system Chromium found (install Debian's chromium to run browser tests)"
    )
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _demo_mode_over_plain_http() -> Iterator[None]:
    """The live server is made once per session, before function-level settings
    overrides apply, so its settings are fixed here: plain HTTP, demo mode."""
    from django.test import override_settings

    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
        SECURE_HSTS_SECONDS=0,
        DEMO_MODE=True,
        REQUIRE_2FA=False,
    ):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _new_page(browser, width: int, height: int, console_errors: list[str]):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    return context, page


@pytest.fixture
def page(browser):
    errors: list[str] = []
    context, page = _new_page(browser, 1280, 900, errors)
    yield page
    context.close()
    csp = [e for e in errors if "Content Security Policy" in e]
    assert not csp, f"the page broke its own Content-Security-Policy: {csp}"


@pytest.fixture
def phone_page(browser):
    errors: list[str] = []
    context, page = _new_page(browser, 390, 844, errors)
    yield page
    context.close()
    csp = [e for e in errors if "Content Security Policy" in e]
    assert not csp, f"the page broke its own Content-Security-Policy: {csp}"


@pytest.fixture
def demo_site(live_server) -> str:
    """A live server with the demo data loaded, in demo mode (no second factor)."""
    from alongside.demo.builder import demo_load

    demo_load(log=lambda line: None)
    return str(live_server.url)
