"""/api/v1/docs renders its operations under the strict CSP, with assets served by us."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_api_docs_list_the_operations_with_our_own_assets(live_server, page) -> None:
    foreign: list[str] = []
    base = str(live_server.url)
    page.on(
        "request",
        lambda request: None if request.url.startswith(base) else foreign.append(request.url),
    )
    page.goto(f"{base}/api/v1/docs")
    # An operation of the patients router, rendered by Swagger UI from the schema.
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/patients" in p for p in paths), paths
    assert not foreign, f"the docs page fetched from outside the site: {foreign}"
    # The page fixture fails the test on any Content-Security-Policy violation.
