"""The matching pages: find a mentor, propose, waiting list and batch, weights, report."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.matches.models import Match, MatchingWeights, MatchStatus
from alongside.mentors.models import MentorStatus
from tests.access import READ_AUDIT_QUERIES
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db


@pytest.fixture
def therapist(world):
    return world.client_for("therapist")


def test_find_shows_ranked_cards_reasons_meters_and_exclusions(world, therapist) -> None:
    close = ready_mentor(world.home, first_name="Close")
    ready_mentor(
        world.home,
        first_name="Far",
        injury_category="tbi",
        sci_level="",
        asia_grade="",
        willing_categories=[],
    )
    ready_mentor(world.home, first_name="Resting", status=MentorStatus.PAUSED)
    patient = waiting_patient(world.home)
    response = therapist.get(reverse("matches:find", args=[patient.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index("Close") < body.index("Far")
    # Both C6 AIS C: said as a clinician says it (function band and AIS grade).
    assert "Both have C5–6 motor incomplete tetraplegia (AIS C)" in body
    assert "<meter" in body and "style=" not in body
    # Exclusions are summarised by rule; each rule's mentors are one link away.
    assert "Not paused</a>: 1 mentor<" in body and "Resting" not in body
    assert "?excluded=paused" in body
    event = AuditEvent.objects.get(request_id=response["X-Request-ID"], action="read")
    assert "match.find" in event.fields
    assert f"patients.patient:{patient.pk}" in event.object_ids
    assert f"mentors.mentor:{close.pk}" in event.object_ids  # the suggestions are named
    assert f'value="{close.pk}"' in body
    listed = therapist.get(reverse("matches:find", args=[patient.pk]) + "?excluded=paused")
    text = listed.content.decode()
    assert "Mentor is paused." in text  # a manual pause, not the well-being hold
    assert "Resting" in text and "Propose" not in text


def test_find_page_query_count_does_not_grow_with_mentors(
    world, therapist, django_assert_max_num_queries
) -> None:
    patient = waiting_patient(world.home)
    for _ in range(3):
        ready_mentor(world.home)
    url = reverse("matches:find", args=[patient.pk])
    therapist.get(url)
    for _ in range(20):
        ready_mentor(world.home)
    with django_assert_max_num_queries(22):
        assert therapist.get(url).status_code == 200


def test_propose_with_htmx_returns_the_fragment(world, therapist) -> None:
    mentor = ready_mentor(world.home)
    patient = waiting_patient(world.home)
    response = therapist.post(
        reverse("matches:propose", args=[patient.pk]),
        {"mentor": mentor.pk},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "was proposed" in response.content.decode()
    assert "<html" not in response.content.decode()
    assert Match.objects.get().status == MatchStatus.PROPOSED


def test_propose_ineligible_mentor_says_why_and_writes_nothing(world, therapist) -> None:
    mentor = ready_mentor(world.home, capacity=0)
    patient = waiting_patient(world.home)
    response = therapist.post(reverse("matches:propose", args=[patient.pk]), {"mentor": mentor.pk})
    assert response.status_code == 400
    assert "No spare capacity" in response.content.decode()
    assert not Match.objects.exists()


def test_propose_mentor_of_another_service_is_404(world, therapist) -> None:
    stranger = ready_mentor(world.other)
    patient = waiting_patient(world.home)
    response = therapist.post(
        reverse("matches:propose", args=[patient.pk]), {"mentor": stranger.pk}
    )
    assert response.status_code == 404


def test_match_list_query_count(world, therapist, django_assert_max_num_queries) -> None:
    for _ in range(15):
        MatchFactory(service=world.home)
    with django_assert_max_num_queries(12 + READ_AUDIT_QUERIES):
        response = therapist.get(reverse("matches:list"))
    assert response.status_code == 200
    assert response.content.decode().count("Proposed") >= 15


def test_waiting_plan_and_publish_selected(
    world, therapist, run_worker, django_capture_on_commit_callbacks
) -> None:
    mentor = ready_mentor(world.home, capacity=3)
    kept, dropped = waiting_patient(world.home), waiting_patient(world.home)
    url = reverse("matches:waiting", args=[world.home.slug])
    assert kept.full_name in therapist.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        started = therapist.post(reverse("matches:batch_plan", args=[world.home.slug]))
    assert started.status_code == 302
    assert "Waiting for the task worker" in therapist.get(started["Location"]).content.decode()
    run_worker()
    plan = therapist.get(started["Location"], headers={"HX-Request": "true"})
    body = plan.content.decode()
    assert "hx-trigger" not in body  # finished: the fragment stops polling
    assert f'value="{kept.pk}:{mentor.pk}"' in body and f'value="{dropped.pk}:{mentor.pk}"' in body
    response = therapist.post(
        reverse("matches:batch_publish", args=[world.home.slug]),
        {"pair": [f"{kept.pk}:{mentor.pk}"]},
    )
    assert response.status_code == 302
    assert list(Match.objects.values_list("patient_id", flat=True)) == [kept.pk]


def test_publish_nothing_ticked_is_an_error(world, therapist) -> None:
    response = therapist.post(reverse("matches:batch_publish", args=[world.home.slug]), {})
    assert response.status_code == 400
    assert "Tick at least one" in response.content.decode()


def test_weights_page_saves_and_previews(world) -> None:
    admin = world.client_for("admin")
    ready_mentor(world.home, first_name="Alpha")
    waiting_patient(world.home)
    url = reverse("matches:weights", args=[world.home.slug])
    page = admin.get(url)
    assert page.status_code == 200 and "Alpha" in page.content.decode()
    values = {
        "injury": 5,
        "work": 1,
        "age": 0,
        "place": 0,
        "language": 0,
        "availability": 0,
        "modes": 0,
    }
    preview = admin.get(
        reverse("matches:weights_preview", args=[world.home.slug]),
        values,
        headers={"HX-Request": "true"},
    )
    assert "with the weights above" in preview.content.decode()
    bad = admin.post(url, {**values, "injury": -1})
    assert bad.status_code == 400 and "cannot be negative" in bad.content.decode()
    zero = admin.post(url, {k: 0 for k in values})
    assert zero.status_code == 400 and "more than 0" in zero.content.decode()
    assert admin.post(url, values).status_code == 302
    assert MatchingWeights.objects.get(service=world.home).injury == 5.0


def test_engagement_report_says_plainly_when_data_is_thin(world) -> None:
    analyst = world.client_for("analyst")
    MatchFactory(service=world.home, status=MatchStatus.ACTIVE, started_at="2024-01-01T10:00Z")
    response = analyst.get(reverse("matches:engagement", args=[world.home.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No re-weighting suggested yet" in body and "Only 1 matches" in body
    assert "<svg" in body and "<table" in body and "style=" not in body


def test_therapist_records_the_patients_agreement(world, therapist) -> None:
    match = MatchFactory(service=world.home, status=MatchStatus.PROPOSED)
    response = therapist.post(reverse("matches:record_patient_agree", args=[match.pk]))
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.PATIENT_AGREED
    event = AuditEvent.objects.get(action="match.patient_agree")
    assert event.actor_id == world.people["therapist"].pk
