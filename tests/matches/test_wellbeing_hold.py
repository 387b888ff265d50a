"""A mentor after a hard week is held from new mentees (issue 11, section 1): one rule in
``core.mentor_programme``, used by the queryset, the pool (single, batch, API) and the
find page, with its own reason; lifted by the supervisor's acknowledgement or a debrief."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.contacts import services as contact_services
from alongside.contacts.models import Concern, ConcernKind
from alongside.core import mentor_programme as rules
from alongside.matches import services
from alongside.matches.models import MatchStatus
from alongside.mentors import selectors as mentor_selectors
from alongside.mentors import services as mentor_services
from alongside.mentors.models import Mentor, WellbeingCheckIn
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
HOLD = rules.WELLBEING_HOLD_REASON


def _signal(hours: int, acknowledged: bool = False, source: str = "checkin"):
    return rules.DistressSignal(source, T0 + dt.timedelta(hours=hours), acknowledged)


def test_the_rule_holds_until_acknowledged_or_a_later_debrief() -> None:
    assert rules.wellbeing_hold_since(None, []) is None
    assert rules.wellbeing_hold_since(_signal(0), []) == T0
    assert rules.wellbeing_hold_since(_signal(0, acknowledged=True), []) is None
    assert rules.wellbeing_hold_since(_signal(2), [], [T0 + dt.timedelta(hours=3)]) is None
    # A debrief logged *before* the signal does not lift it.
    assert rules.wellbeing_hold_since(_signal(2), [], [T0]) == T0 + dt.timedelta(hours=2)
    concern = _signal(5, source="concern")
    assert rules.wellbeing_hold_since(None, [concern]) == concern.raised_at


def test_matchability_names_the_hold_apart_from_a_pause() -> None:
    state = rules.MentorState(
        "active", 2, 0, dt.date(2030, 1, 1), dt.date(2030, 1, 1), None, wellbeing_hold_since=T0
    )
    verdict = rules.matchability(state, dt.date(2025, 6, 2), 14)
    assert verdict == rules.Matchability(False, [HOLD])
    assert "paused" not in HOLD.lower()


def _held_mentor(world, **fields):
    mentor = ready_mentor(
        world.home, user=world.people["mentor"], supervisor=world.people["therapist"], **fields
    )
    mentor_services.checkin_submit(
        actor=world.people["mentor"],
        mentor=mentor,
        score=2,
        affecting_me=True,
        wants_to_talk=False,
        comment="A hard week",
    )
    mentor.refresh_from_db()
    return mentor


def test_a_low_check_in_holds_the_mentor_everywhere_and_the_find_page_says_why(world) -> None:
    held = _held_mentor(world, first_name="Hana")
    other = ready_mentor(world.home, first_name="Olek")
    patient = waiting_patient(world.home)
    today = timezone.localdate()

    assert held.wellbeing_hold_since is not None
    assert list(Mentor.objects.filter(service=world.home).matchable(today)) == [other]
    assert mentor_selectors.mentor_is_matchable(held, today).reasons == [HOLD]

    url = reverse("matches:find", args=[patient.pk])
    body = world.client_for("therapist").get(url)
    text = body.content.decode()
    row = text[text.index("Not suggested, and why") :]
    assert "Well-being hold</a>: 1 mentor<" in row and "Not paused" not in row
    listed = world.client_for("therapist").get(url + "?excluded=wellbeing_hold")
    row = listed.content.decode()
    assert "Hana" in row and "Not suggested: Well-being hold" in row and f"{HOLD}." in row
    assert "Mentor is paused" not in row

    with pytest.raises(ValidationError, match="supervisor has talked with them"):
        services.match_propose(actor=world.people["therapist"], patient=patient, mentor=held)
    plan = services.match_batch_plan(actor=world.people["therapist"], service=world.home)
    assert {pair.mentor.pk for pair in plan.pairs} == {other.pk}

    api = world.client_for("therapist")
    token = world.token_for("therapist")
    answer = api.post(
        "/api/v1/matches/propose",
        json.dumps({"patient_id": patient.pk, "mentor_id": held.pk}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert answer.status_code == 422 and "supervisor has talked" in answer.content.decode()


def test_existing_matches_go_on_while_held(world) -> None:
    mentor = ready_mentor(world.home, user=world.people["mentor"])
    match = MatchFactory(service=world.home, mentor=mentor, status=MatchStatus.ACTIVE)
    mentor_services.checkin_submit(
        actor=world.people["mentor"], mentor=mentor, score=1, affecting_me=True, wants_to_talk=True
    )
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and not match.needs_review


def test_acknowledging_the_check_in_releases_the_hold(world) -> None:
    held = _held_mentor(world)
    checkin = WellbeingCheckIn.objects.get(mentor=held)
    mentor_services.checkin_acknowledge(actor=world.people["therapist"], checkin=checkin)
    held.refresh_from_db()
    assert held.wellbeing_hold_since is None
    assert held in Mentor.objects.matchable(timezone.localdate())


def test_logging_a_debrief_releases_the_hold_even_before_acknowledging(world) -> None:
    held = _held_mentor(world)
    mentor_services.supervision_log(
        actor=world.people["therapist"],
        mentor=held,
        held_on=timezone.localdate(),
        kind="debrief",
        topics="A hard week",
    )
    held.refresh_from_db()
    assert held.wellbeing_hold_since is None


def test_a_request_to_talk_holds_until_its_debrief_even_after_a_better_week(world) -> None:
    mentor = ready_mentor(
        world.home, user=world.people["mentor"], supervisor=world.people["therapist"]
    )
    for score, talk in ((4, True), (5, False)):
        mentor_services.checkin_submit(
            actor=world.people["mentor"],
            mentor=mentor,
            score=score,
            affecting_me=False,
            wants_to_talk=talk,
        )
    mentor.refresh_from_db()
    assert mentor.wellbeing_hold_since is not None  # the open debrief request still holds


def test_a_mentor_distress_concern_holds_until_acknowledged(world) -> None:
    from tests.contacts.factories import ContactFactory

    mentor = ready_mentor(
        world.home, user=world.people["mentor"], supervisor=world.people["therapist"]
    )
    match = MatchFactory(service=world.home, mentor=mentor, status=MatchStatus.ACTIVE)
    contact = ContactFactory(match=match, service=world.home)
    concern = contact_services.concern_raise(
        actor=world.people["mentor"],
        contact=contact,
        kind=ConcernKind.MENTOR_DISTRESS,
        description="This brought back my own accident.",
    )
    mentor.refresh_from_db()
    assert mentor.wellbeing_hold_since is not None
    contact_services.concern_acknowledge(
        actor=world.people["therapist"], concern=Concern.objects.get(pk=concern.pk)
    )
    mentor.refresh_from_db()
    assert mentor.wellbeing_hold_since is None
