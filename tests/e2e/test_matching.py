"""A therapist finds a mentor for a demo patient, reads the reasons and proposes;
the patient agrees on their phone; the mentor accepts on theirs. Axe on every page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in, sign_out

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _free_the_demo_patient() -> None:
    """The demo pairs patient@ with mentor@ already; start this story before that match."""
    from django.db.models import F

    from alongside.matches.models import Match
    from alongside.mentors.models import Mentor
    from alongside.patients.models import Patient

    match = Match.objects.get(patient__user__email="patient@demo.example", status="active")
    match.delete()
    Mentor.objects.filter(pk=match.mentor_id).update(mentee_count=F("mentee_count") - 1)
    # And the case as it stood before the introduction: waiting for a mentor.
    Patient.objects.filter(pk=match.patient_id).update(status="active", mentor_introduced_on=None)


def test_therapist_proposes_patient_agrees_mentor_accepts(demo_site: str, page, phone_page) -> None:
    _free_the_demo_patient()

    # The therapist: waiting list → find a mentor → read the reasons → propose.
    sign_in(page, demo_site, "therapist@demo.example")
    page.get_by_role("link", name="Matching", exact=True).click()
    expect(page.get_by_role("heading", name="Matching", level=1)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("Waiting list: Demo Melbourne")).click()
    assert_accessible(page)
    page.get_by_role("link", name="Find a mentor for Pat Patient").click()
    expect(page.get_by_role("heading", name="Find a mentor for Pat Patient")).to_be_visible()
    card = page.locator("li.suggestion").filter(
        has=page.get_by_role("heading", name=re.compile("Mina"))
    )
    expect(card).to_contain_text("Both have C5–6 motor incomplete tetraplegia (AIS C)")
    expect(card).to_contain_text("Both worked as electrician (general) (ANZSCO 341111)")
    card.locator("summary", has_text="Score by criterion").click()
    expect(card.get_by_role("meter", name=re.compile("^Injury"))).to_be_visible()
    expect(page.get_by_role("heading", name="Not suggested, and why")).to_be_visible()
    assert_accessible(page)
    card.get_by_role("button", name="Propose Mina").click()
    expect(page.get_by_role("status")).to_contain_text("Mina Mentor was proposed")
    assert_accessible(page)

    # The patient, on a phone: reads about Mina and agrees.
    sign_in(phone_page, demo_site, "patient@demo.example")
    phone_page.goto(f"{demo_site}/matches/mine/")
    expect(phone_page.get_by_role("heading", name="Mina", exact=True)).to_be_visible()
    expect(phone_page.get_by_text("Suggested for you")).to_be_visible()
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Yes, I would like to meet Mina").click()
    expect(phone_page.get_by_role("status")).to_contain_text("We will ask Mina next")
    assert_accessible(phone_page)
    sign_out(phone_page)

    # The mentor, on a phone: sees Pat's short profile and accepts.
    sign_in(phone_page, demo_site, "mentor@demo.example")
    phone_page.goto(f"{demo_site}/matches/mentees/")
    expect(phone_page.get_by_role("heading", name="Pat", exact=True)).to_be_visible()
    assert_accessible(phone_page)
    phone_page.get_by_role("link", name="Accept or decline Pat").click()
    expect(phone_page.get_by_role("heading", name="Will you mentor Pat?")).to_be_visible()
    expect(phone_page.locator("main")).not_to_contain_text("Pat Patient")  # no family name
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the mentee page scrolls sideways on a phone ({width} px)"
    assert_accessible(phone_page)
    phone_page.get_by_role("button", name="Accept").click()
    expect(phone_page.get_by_role("status")).to_contain_text(
        "Your supervising therapist will introduce you"
    )
    assert_accessible(phone_page)

    # Back with the therapist: the match waits for the introduction.
    page.goto(f"{demo_site}/matches/?status=mentor_accepted")
    page.get_by_role("link", name="Pat Patient").click()
    expect(page.get_by_role("heading", name="Introduce and start")).to_be_visible()
    assert_accessible(page)
