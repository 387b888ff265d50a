"""Every page a mentor or a patient reaches fits a 390 px phone (issue 12, point 6).

The demo mentor and the demo patient sign in on a 390 px wide phone. From home
and the site navigation we collect every on-site link (and the links one step
further on), visit each page and check: nothing scrolls sideways, neither the
page nor a table nor its wrapper; axe finds nothing serious; and the menu
button opens and closes the navigation (Escape closes it too). Screenshots of
the mentor's contact history and expenses at 390 px go to docs/screenshots/.

A second test takes the desktop screenshot of a patient's record summary for
docs/patients.md.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = 390
# Links that change something or end the session, or are not pages.
SKIP = re.compile(r"/accounts/logout/|/download|\.csv$|\.xlsx$|\.pdf$|\.json$|\.zip$|/api/")

WIDTHS = """() => {
  const out = [];
  for (const el of document.querySelectorAll('.table-wrap, table')) {
    if (el.scrollWidth > el.clientWidth + 1) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} ${el.scrollWidth}>${el.clientWidth}`);
    }
  }
  return {page: document.documentElement.scrollWidth, hidden: out};
}"""

LINKS = """() => Array.from(
  document.querySelectorAll('header a[href], main a[href]'), a => a.href)"""


def _on_site_links(page: Page, base: str) -> list[str]:
    host = urlparse(base).netloc
    found = []
    for href in page.evaluate(LINKS):
        url, _ = urldefrag(href)
        parts = urlparse(url)
        if parts.scheme not in ("http", "https") or parts.netloc != host:
            continue
        if SKIP.search(parts.path) or not url:
            continue
        found.append(url)
    return found


def _problems(page: Page) -> list[str]:
    """What is wrong with the page as it is now: too wide, hidden sideways, axe."""
    found = []
    widths = page.evaluate(WIDTHS)
    if widths["page"] > PHONE:
        found.append(f"{page.url} scrolls sideways ({widths['page']} px)")
    if widths["hidden"]:
        found.append(f"{page.url} hides content sideways: {widths['hidden']}")
    try:
        assert_accessible(page)
    except AssertionError as failed:
        found.append(str(failed))
    return found


def _menu_opens_and_closes(page: Page) -> None:
    button = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Main")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav).to_be_visible()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(nav).to_be_hidden()
    # The keyboard: Enter opens, Escape closes and focus returns to the button.
    button.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    nav.get_by_role("link").first.focus()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(button).to_be_focused()


def _visit_everything(page: Page, base: str, email: str) -> list[str]:
    sign_in(page, base, email)
    home = page.url
    start = [home, *_on_site_links(page, base)]
    seen: list[str] = []
    problems: list[str] = []
    queue = list(dict.fromkeys(start))
    depth = {url: 0 for url in queue}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        response = page.goto(url)
        assert response is not None and response.status == 200, (
            f"{url}: {response and response.status}"
        )
        problems += _problems(page)
        _menu_opens_and_closes(page)
        if depth[url] < 1:
            for link in _on_site_links(page, base):
                if link not in depth:
                    depth[link] = depth[url] + 1
                    queue.append(link)
    assert not problems, "\n".join(problems)
    return seen


def test_the_mentor_s_pages_fit_a_phone(demo_site: str, phone_page: Page) -> None:
    seen = _visit_everything(phone_page, demo_site, "mentor@demo.example")
    assert len(seen) > 5, seen
    # The contact history of the mentor's first pair reads as cards: each cell shows its column.
    history = next(u for u in seen if re.search(r"/contacts/match/\d+/$", u))
    phone_page.goto(history)
    first_cell = phone_page.locator("table.stack td[data-label='How']").first
    expect(first_cell).to_be_visible()
    label = first_cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"How"', label
    phone_page.screenshot(
        path=str(SCREENSHOTS / "phone-mentor-contact-history.png"), full_page=True
    )
    # The mentor's own expenses, on "My mentoring", and the claim form.
    phone_page.goto(f"{demo_site}/mentors/me/")
    expenses = phone_page.locator(
        "section", has=phone_page.get_by_role("heading", name="My expenses")
    )
    expenses.screenshot(path=str(SCREENSHOTS / "phone-mentor-expenses.png"))
    claim = next(u for u in seen if "/expenses/new/" in u)
    phone_page.goto(claim)
    phone_page.screenshot(path=str(SCREENSHOTS / "phone-mentor-expense-claim.png"), full_page=True)


def test_the_patient_s_pages_fit_a_phone(demo_site: str, phone_page: Page) -> None:
    seen = _visit_everything(phone_page, demo_site, "patient@demo.example")
    assert len(seen) > 3, seen


def test_the_staff_expenses_and_concerns_lists_read_as_cards(
    demo_site: str, phone_page: Page
) -> None:
    sign_in(phone_page, demo_site, "therapist@demo.example")
    # The folded menu still says there is something unread.
    expect(phone_page.get_by_role("button", name="Menu")).to_contain_text("unread")
    phone_page.get_by_role("button", name="Menu").click()
    phone_page.screenshot(path=str(SCREENSHOTS / "phone-menu-open.png"))
    phone_page.get_by_role("navigation", name="Main").get_by_role("link", name="Expenses").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Mentor expenses")
    expect(phone_page.locator("table.stack td[data-label='Amount']").first).to_be_visible()
    problems = _problems(phone_page)
    assert not problems, problems
    phone_page.screenshot(path=str(SCREENSHOTS / "phone-expenses-list.png"), full_page=True)
    # The other lists a therapist reads on the move stack the same way.
    for path, label in (
        ("/contacts/concerns/", "Status"),
        ("/contacts/pairs/", "Engagement"),
        ("/patients/", "Referred"),
        ("/mentors/", "Places free"),
    ):
        phone_page.goto(demo_site + path)
        expect(phone_page.locator(f"table.stack td[data-label='{label}']").first).to_be_visible()
        problems = _problems(phone_page)
        assert not problems, problems


def test_without_javascript_the_navigation_stays_visible(browser, demo_site: str) -> None:
    context = browser.new_context(
        viewport={"width": PHONE, "height": 844}, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{demo_site}/accounts/login/")
        page.get_by_label("E-mail").fill("mentor@demo.example")
        from alongside.demo.builder import demo_password

        page.get_by_label("Password").fill(demo_password())
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("navigation", name="Main")).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    finally:
        context.close()


def test_the_patient_record_summary_on_a_desktop(demo_site: str, page: Page) -> None:
    from alongside.patients.models import Patient

    patient = Patient.objects.get(user__email="patient@demo.example")
    sign_in(page, demo_site, "therapist@demo.example")
    page.goto(f"{demo_site}/patients/{patient.pk}/")
    summary = page.locator(".case-summary")
    expect(summary).to_be_visible()
    # On a desktop the menu never folds: no Menu button, the navigation in view.
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(SCREENSHOTS / "patient-record-summary.png"), full_page=False)
