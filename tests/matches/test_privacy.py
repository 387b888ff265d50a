"""What a mentor and a patient may see: own matches only, the minimal profile only,
and nothing once the patient stops sharing with mentors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.matches import selectors, services
from alongside.matches.models import MatchStatus
from alongside.patients import services as patient_services
from alongside.patients.models import ConsentKind
from tests.access import READ_AUDIT_QUERIES
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db

CLINICAL = (
    "family_name",
    "date_of_birth",
    "icd10",
    "S14",
    "hospital_number",
    "H0",
    "C6",
    "ASIA",
    "phone",
    "employer",
    "Electrician",
)


@pytest.fixture
def pair(world):
    mentor = ready_mentor(world.home, user=world.people["mentor"])
    patient = waiting_patient(
        world.home,
        given_name="Pia",
        family_name="Zanzibar",
        user=world.people["patient"],
        contact_modes=["phone"],
        employer="Acme Wiring",
    )
    match = MatchFactory(
        service=world.home, patient=patient, mentor=mentor, status=MatchStatus.ACTIVE
    )
    return mentor, patient, match


def test_mentor_sees_minimal_profile_only(world, pair) -> None:
    _, patient, match = pair
    client = world.client_for("mentor")
    for url in (reverse("matches:mentees"), reverse("matches:mentee", args=[match.pk])):
        body = client.get(url).content.decode()
        assert "Pia" in body and "Spinal cord injury" in body and "Phone" in body
        assert "Technicians and Trades Workers".lower() in body.lower()
        assert "Zanzibar" not in body and "Acme" not in body
        assert patient.hospital_number not in body
    api = client.get(reverse("api:mentee_list"), headers={"Authorization": _token(world)}).json()[
        "items"
    ]
    assert api == [
        {
            "match_id": match.pk,
            "status": "active",
            "first_name": "Pia",
            "injury_category": "Spinal cord injury",
            "occupation_group": api[0]["occupation_group"],
            "contact_modes": ["Phone"],
            "availability": ["Monday morning"],
        }
    ]
    assert set(api[0]) == {
        "match_id",
        "status",
        "first_name",
        "injury_category",
        "occupation_group",
        "contact_modes",
        "availability",
    }


def _token(world) -> str:
    return f"Bearer {world.token_for('mentor')}"


def test_mentor_does_not_see_proposals_before_the_patient_agrees(world, pair) -> None:
    mentor, _, _ = pair
    other = waiting_patient(world.home, given_name="Quentin")
    MatchFactory(service=world.home, patient=other, mentor=mentor, status=MatchStatus.PROPOSED)
    names = [card.first_name for card in selectors.mentees_visible_to(world.people["mentor"])]
    assert names == ["Pia"]


def test_another_mentors_mentee_is_404(world, pair) -> None:
    stranger_match = MatchFactory(service=world.home, status=MatchStatus.ACTIVE)
    client = world.client_for("mentor")
    assert client.get(reverse("matches:mentee", args=[stranger_match.pk])).status_code == 404


def test_withdrawing_consent_hides_the_patient_at_once(world, pair) -> None:
    _, patient, match = pair
    mentor_user = world.people["mentor"]
    assert [c.match_id for c in selectors.mentees_visible_to(mentor_user)] == [match.pk]
    consent = patient.consents.get(kind=ConsentKind.MENTOR_SHARING)
    # Same transaction, no caches: the very next read no longer finds the patient.
    patient_services.consent_withdraw(actor=world.people["patient"], consent=consent)
    assert selectors.mentees_visible_to(mentor_user) == []
    client = world.client_for("mentor")
    assert "Pia" not in client.get(reverse("matches:mentees")).content.decode()
    assert client.get(reverse("matches:mentee", args=[match.pk])).status_code == 404
    api = client.get(reverse("api:mentee_list"), headers={"Authorization": _token(world)})
    assert api.json() == {"items": [], "next": None}
    match.refresh_from_db()
    assert match.needs_review  # the active match goes to the therapist to talk over


def test_patient_sees_mentor_first_name_and_story_and_agrees(world) -> None:
    mentor = ready_mentor(
        world.home, first_name="Mina", last_name="Secretname", user=world.people["mentor"]
    )
    patient = waiting_patient(world.home, user=world.people["patient"])
    match = services.match_propose(actor=world.people["therapist"], patient=patient, mentor=mentor)
    client = world.client_for("patient")
    body = client.get(reverse("matches:mine")).content.decode()
    assert "Mina" in body and "went back to my trade" in body and "Secretname" not in body
    response = client.post(reverse("matches:mine_agree", args=[match.pk]))
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.PATIENT_AGREED


def test_patient_cannot_act_on_someone_elses_match(world) -> None:
    other = MatchFactory(service=world.home, status=MatchStatus.PROPOSED)
    client = world.client_for("patient")
    assert client.post(reverse("matches:mine_agree", args=[other.pk])).status_code == 404


def test_mentor_accepts_from_the_page(world, pair) -> None:
    mentor, _, _ = pair
    patient = waiting_patient(world.home, given_name="Rosa")
    match = MatchFactory(
        service=world.home, patient=patient, mentor=mentor, status=MatchStatus.PATIENT_AGREED
    )
    client = world.client_for("mentor")
    assert (
        "Will you mentor Rosa?"
        in client.get(reverse("matches:mentee", args=[match.pk])).content.decode()
    )
    assert client.post(reverse("matches:mentee_accept", args=[match.pk])).status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.MENTOR_ACCEPTED


def test_mentees_page_query_count(world, pair, django_assert_max_num_queries) -> None:
    mentor, _, _ = pair
    mentor.capacity = 20
    mentor.save()
    for _ in range(10):
        MatchFactory(service=world.home, mentor=mentor, status=MatchStatus.ACTIVE)
    client = world.client_for("mentor")
    with django_assert_max_num_queries(10 + READ_AUDIT_QUERIES):
        response = client.get(reverse("matches:mentees"))
    assert response.content.decode().count('class="card mentee"') == 11
