"""An analyst imports a transcript into the demo study, codes two passages with the
keyboard only, builds a theme from the codes and exports the project as .qdpx (which
validates against the REFI-QDA schema). axe finds nothing serious on the way; the
coding page also works at 390 px."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Interviewer: What helped most?\n"
    "Participant: Talking to someone who had been through it.\n"
    "Interviewer: Anything hard?\n"
    "Participant: Evenings were the only time we could meet.\n"
)


def _tab_to(page: Page, element_id: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"keyboard focus never reached #{element_id}")


def _code_by_keyboard(page: Page, lines_down: int, words: int, code_id: str) -> None:
    """From the top of the transcript: down some lines, past "Participant: ", then
    Shift+Ctrl+Right over ``words`` words; tick the code and apply, all by keyboard."""
    _tab_to(page, "transcript-text")
    for _ in range(lines_down):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Control+ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    for _ in range(words):
        page.keyboard.press("Shift+Control+ArrowRight")
    _tab_to(page, code_id)
    page.keyboard.press("Space")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == "Apply chosen codes":
            break
    page.keyboard.press("Enter")


def test_analyst_imports_codes_by_keyboard_builds_a_theme_and_exports(
    demo_site: str, page: Page, phone_page: Page
) -> None:
    from alongside.core.qda import read_qdpx, validate_project_xml
    from alongside.evaluation.demo import SLUG
    from alongside.evaluation.models import Code, Interview

    sign_in(page, demo_site, "analyst@demo.example")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Evaluation").click()
    page.get_by_role("link", name="Peer mentoring in vocational rehabilitation").first.click()
    expect(page.get_by_role("table", name="Participants by group")).to_contain_text("13")
    assert_accessible(page)

    page.get_by_role("link", name="Import a transcript").click()
    interview = Interview.objects.get(participant__study__slug=SLUG, participant__label="PT-04")
    page.locator("#id_interview").select_option(str(interview.pk))
    page.get_by_label("Name").fill("Interview with PT-04")
    page.get_by_label("Paste the transcript").fill(TEXT)
    assert_accessible(page)
    page.get_by_role("button", name="Import transcript").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("identifying details")
    assert_accessible(page)
    page.locator("form button[type=submit].button").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Coding: Interview with PT-04")
    assert_accessible(page)

    lived = Code.objects.get(study__slug=SLUG, name="Lived experience")
    timing = Code.objects.get(study__slug=SLUG, name="Timing and scheduling")
    _code_by_keyboard(page, 1, 8, f"code-{lived.pk}")
    expect(page.get_by_role("status")).to_contain_text("Lived experience")
    _code_by_keyboard(page, 3, 8, f"code-{timing.pk}")
    passages = page.get_by_role("table", name="Coded passages in this transcript")
    expect(passages).to_contain_text("Talking to someone who had been through it")
    expect(passages).to_contain_text("Evenings were the only time we could meet")
    assert_accessible(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "evaluation-coding.png"), full_page=True)

    phone_page.context.add_cookies(page.context.cookies())
    phone_page.goto(page.url)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Coding: Interview with PT-04")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
    phone_page.screenshot(path=str(SCREENSHOTS / "evaluation-coding-390.png"), full_page=True)

    page.get_by_role("navigation", name="Study").get_by_role("link", name="Themes").click()
    page.get_by_label("Name").fill("Talking to someone who knows")
    page.get_by_label("Lived experience").check()
    page.get_by_label("Timing and scheduling").check()
    page.get_by_role("button", name="Save theme").click()
    expect(page.get_by_role("heading", name="Talking to someone who knows")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Study").get_by_role(
        "link", name="Peer mentoring in vocational rehabilitation"
    ).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the project (.qdpx)").click()
    data = open(download.value.path(), "rb").read()  # noqa: PTH123, SIM115
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        validate_project_xml(archive.read("project.qde"))
    project = read_qdpx(data)
    source = next(s for s in project.sources if s.name == "Interview with PT-04")
    coded = {source.text[s.start : s.end] for s in source.selections}
    assert coded == {
        "Talking to someone who had been through it",
        "Evenings were the only time we could meet",
    }
    assert "Talking to someone who knows" in {s.name for s in project.sets}
