"""A therapist makes a one-time link; the patient answers the PHQ-9 from it on a phone with
the keyboard only; the therapist sees the score. axe finds nothing serious on the way."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _tab_to(page: Page, name: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.name") == name:
            return
    raise AssertionError(f"keyboard focus never reached {name}")


def test_patient_answers_the_phq9_from_a_link_on_a_phone_by_keyboard(
    demo_site: str, page: Page, phone_page: Page
) -> None:
    from alongside.patients.models import Patient

    patient = Patient.objects.get(hospital_number="DEMO-PAT-0001")
    sign_in(page, demo_site, "therapist@demo.example")
    page.goto(f"{demo_site}/patients/{patient.pk}/")
    page.get_by_role("link", name="Questionnaires and outcomes").click()
    page.get_by_role("button", name="Make a link for the PHQ-9").click()
    link = page.locator("code.copyable").inner_text()
    assert "/q/" in link
    assert_accessible(page)

    phone = phone_page
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Patient Health Questionnaire (PHQ-9)"
    )
    assert_accessible(phone)
    # Keyboard only: Tab into each question, arrow down once ("Several days"), on to the next.
    _tab_to(phone, "item_1")
    for number in range(1, 10):
        if number > 1:
            phone.keyboard.press("Tab")
        assert phone.evaluate("document.activeElement.name") == f"item_{number}"
        phone.keyboard.press("ArrowDown")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent").strip() == "Send my answers"
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    assert_accessible(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "This questionnaire has been answered"
    )

    page.reload()
    phq9 = page.get_by_role("table", name="Patient Health Questionnaire (PHQ-9)")
    expect(phq9).to_contain_text("9")
    expect(phq9).to_contain_text("Patient, from a link")
    expect(phq9).to_contain_text("Item 9 needs attention")
    assert_accessible(page)


def test_a_patients_outcome_tables_read_as_cards_on_a_phone(
    demo_site: str, phone_page: Page
) -> None:
    from django.db.models import Count

    from alongside.outcomes.models import QuestionnaireResponse

    # The therapist's own service: the busiest patient of all may be in Demo Leeds (a 404).
    busiest = (
        QuestionnaireResponse.objects.filter(
            patient__service__memberships__user__email="therapist@demo.example"
        )
        .values("patient_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "patient_id")
        .first()
    )
    assert busiest is not None, "the demo answers some questionnaires"
    sign_in(phone_page, demo_site, "therapist@demo.example")
    phone_page.goto(f"{demo_site}/outcomes/patients/{busiest['patient_id']}/")
    expect(phone_page.get_by_role("heading", name="Scores over time")).to_be_visible()
    tables = phone_page.locator("table")
    assert tables.count() >= 2  # at least one score table and the schedule
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    clipped = phone_page.evaluate(
        """[...document.querySelectorAll('table, .table-wrap')]
             .filter(t => t.scrollWidth > t.clientWidth)
             .map(t => (t.querySelector('caption') || t).textContent.trim().slice(0, 60))"""
    )
    assert clipped == [], f"tables clipped at 390 px: {clipped}"
    assert_accessible(phone_page)
