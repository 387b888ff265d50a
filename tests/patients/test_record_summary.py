"""The patient record opens with a summary (issue 12, section 6): age, injury, weeks since
injury, therapist, peer mentor, next target due and open concerns, read in a fixed number
of queries, and never shown to anyone outside the clinical team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.patients import selectors
from tests.contacts.factories import home_concern
from tests.page_text import visible_text
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _summary_text(body: str) -> str:
    start = body.index('id="summary"')
    return visible_text(body[start : body.index("</section>", start)])


def test_the_summary_names_everything_a_therapist_needs_first(world) -> None:
    concern = home_concern(world)
    patient = concern.contact.match.patient
    today = selectors.service_today(patient.service)
    patient.date_of_injury = today - timedelta(days=7 * 5 + 3)
    patient.icd10_codes = ["S14.1"]
    patient.injury_category = "sci"
    patient.sci_level = "C6"
    patient.save()
    response = world.client_for("therapist").get(
        reverse("patients:detail", kwargs={"patient_id": patient.pk})
    )
    assert response.status_code == 200
    text = _summary_text(response.content.decode())
    assert f"Age {patient.age_on(today)}" in text
    assert "Spinal cord injury, C6" in text and "(S14.1)" in text
    assert "Weeks since injury 5 " in text
    therapist = patient.allocated_therapist
    assert f"Therapist {therapist}" in text if therapist else "Not allocated yet" in text
    mentor = concern.contact.match.mentor
    assert f"Peer mentor {mentor.full_name} (active)" in text
    assert "Open concerns 1 not closed: Change in health, open" in text
    assert "Next target due" in text
    # The contents links jump to sections that exist.
    body = response.content.decode()
    nav = body[body.index('class="section-nav"') :]
    nav = nav[: nav.index("</nav>")]
    for anchor in ("eligibility", "targets", "allocation", "consent", "injury", "work", "goals"):
        assert f'href="#{anchor}"' in nav and f'id="{anchor}"' in body


def test_an_unmatched_case_without_concerns_says_so_in_words(world) -> None:
    patient = PatientFactory(service=world.home)
    body = (
        world.client_for("therapist")
        .get(reverse("patients:detail", kwargs={"patient_id": patient.pk}))
        .content.decode()
    )
    text = _summary_text(body)
    assert "Peer mentor Not matched yet · Find a peer mentor" in text
    assert "Open concerns No open concerns" in text
    assert "None" not in text


def test_the_summary_reads_a_fixed_number_of_queries(world, django_assert_num_queries) -> None:
    """One query per contributing app, however many concerns and matches there are."""
    concern = home_concern(world)
    patient = concern.contact.match.patient
    client = world.client_for("therapist")
    url = reverse("patients:detail", kwargs={"patient_id": patient.pk})
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        type(concern).objects.create(
            contact=concern.contact,
            service=concern.service,
            kind="boundary",
            description="Asked for a loan.",
            raised_by=world.people["mentor"],
        )
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url)
    assert "Open concerns 5 or more not closed:" in _summary_text(response.content.decode())


@pytest.mark.parametrize("persona", ["mentor", "patient", "analyst", "outsider"])
def test_no_one_outside_the_clinical_team_sees_the_record(world, persona) -> None:
    concern = home_concern(world)
    patient = concern.contact.match.patient
    patient.family_name = "Quixley"
    patient.save()
    response = world.client_for(persona).get(
        reverse("patients:detail", kwargs={"patient_id": patient.pk})
    )
    assert response.status_code == 404
    # The mentor's own page of the mentee carries none of the summary's clinical facts.
    if persona == "mentor":
        mentee = world.client_for("mentor").get(
            reverse("matches:mentee", kwargs={"match_id": concern.contact.match.pk})
        )
        text = visible_text(mentee.content.decode())
        assert mentee.status_code == 200
        assert "Weeks since injury" not in text and "Open concerns" not in text
        assert patient.family_name not in text
