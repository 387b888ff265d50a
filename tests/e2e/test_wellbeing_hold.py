"""A mentor rates a week 2/5 on a phone; the therapist's find page shows that mentor held
with the reason; the supervisor logs the debrief; the mentor is matchable again. Axe clean
on every page (issue 11, section 1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in
from tests.e2e.test_matching import _free_the_demo_patient

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
HOLD = "On hold until their supervisor has talked with them after a hard week."


def test_a_hard_week_holds_the_mentor_until_the_debrief(demo_site: str, page, phone_page) -> None:
    from alongside.mentors.models import Mentor

    _free_the_demo_patient()
    mina = Mentor.objects.get(user__email="mentor@demo.example", service__slug="demo-melbourne")

    # The mentor, on a phone: a hard week.
    sign_in(phone_page, demo_site, "mentor@demo.example")
    phone_page.goto(f"{demo_site}/mentors/me/check-in/")
    phone_page.get_by_label("2 — finding it hard").check()
    phone_page.get_by_role("group", name="Is mentoring affecting you").get_by_label("Yes").check()
    phone_page.get_by_role("group", name="Would you like to talk").get_by_label("No").check()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Send check-in").click()
    expect(phone_page.get_by_role("status")).to_contain_text("Your supervisor has been told")
    assert_accessible(phone_page)

    # The therapist: Mina is not suggested, with the reason in plain words.
    sign_in(page, demo_site, "therapist@demo.example")
    page.get_by_role("link", name="Matching", exact=True).click()
    page.get_by_role("link", name=re.compile("Waiting list: Demo Melbourne")).click()
    page.get_by_role("link", name="Find a mentor for Pat Patient").click()
    expect(page.get_by_role("heading", name="Find a mentor for Pat Patient")).to_be_visible()
    expect(page.locator("li.suggestion").filter(has_text="Mina Mentor")).to_have_count(0)
    find_url = page.url
    # The exclusions are summarised by rule; the hold's own list names Mina and why.
    page.locator("ul.exclusion-summary").get_by_role("link", name="Well-being hold").click()
    expect(page.get_by_role("heading", name="Not suggested: Well-being hold")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Mina Mentor")).to_contain_text(HOLD)
    assert_accessible(page)

    # The supervisor logs the debrief on Mina's record.
    page.goto(f"{demo_site}/mentors/{mina.pk}/")
    page.locator("summary", has_text="Log a supervision session").click()
    session = page.locator("form").filter(has=page.locator("#supervision_kind"))
    session.get_by_label("Held on").fill(dt.date.today().isoformat())
    session.get_by_label(re.compile("^Type")).select_option(label="Debrief")
    session.get_by_label(re.compile("^Topics")).fill("A hard week after a ward visit.")
    assert_accessible(page)
    page.get_by_role("button", name="Log session").click()
    expect(
        page.get_by_role("row").filter(has_text="A hard week after a ward visit.")
    ).to_be_visible()
    assert_accessible(page)

    # Matchable again: Mina is back among the suggestions.
    page.goto(find_url)
    card = page.locator("li.suggestion").filter(
        has=page.get_by_role("heading", name=re.compile("Mina"))
    )
    expect(card).to_have_count(1)
    assert_accessible(page)
    # Other demo mentors may still be held; Mina is no longer among them.
    page.goto(f"{find_url}?excluded=wellbeing_hold")
    expect(page.get_by_role("row").filter(has_text="Mina Mentor")).to_have_count(0)
