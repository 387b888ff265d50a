"""Issue 16: answering and ending matches, and setting mentors' availability, through the
API: the pages' services, the pages' scoping (out of reach is 404), refusals as problems."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.services import api_token_issue
from alongside.audit.models import AuditEvent
from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import Mentor, MentorProfileChange
from tests.matches.factories import MatchFactory, home_match, ready_mentor, waiting_patient
from tests.mentors.factories import home_mentor

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _call(
    world: Any, persona: str, path: str, body: dict[str, Any], *, method: str = "post", **token
) -> Any:
    if token:
        _, secret = api_token_issue(user=world.person(persona), name="t", **token)
    else:
        secret = world.token_for(persona)
    return getattr(Client(), method)(
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def _respond(world: Any, persona: str, match: Match, **body: Any) -> Any:
    return _call(world, persona, f"/api/v1/matches/{match.pk}/respond", body)


def _end(world: Any, persona: str, match: Match, **body: Any) -> Any:
    return _call(world, persona, f"/api/v1/matches/{match.pk}/end", body)


def _actions(match: Match) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_id=str(match.pk), action__startswith="match.")
        .exclude(action__in=["match.view", "match.view_own", "match.mentee_view"])
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- Answering a proposal --------------------------------------------------------------


def test_the_patient_agrees_then_the_mentor_accepts(world) -> None:
    match = home_match(world, MatchStatus.PROPOSED)
    agreed = _respond(world, "patient", match, answer="agree")
    assert agreed.status_code == 200, agreed.content
    assert agreed.json() == {
        "match_id": match.pk,
        "status": "patient_agreed",
        "answered_as": "patient",
    }
    accepted = _respond(world, "mentor", match, answer="accept")
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "mentor_accepted"
    assert accepted.json()["answered_as"] == "mentor"
    match.refresh_from_db()
    assert match.status == MatchStatus.MENTOR_ACCEPTED and match.mentor_responded_at
    assert _actions(match) == ["match.patient_agree", "match.mentor_accept"]


def test_the_patient_declines_with_an_optional_reason(world) -> None:
    match = home_match(world, MatchStatus.PROPOSED)
    declined = _respond(world, "patient", match, answer="decline")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    match.refresh_from_db()
    assert match.declined_by == "patient" and match.decline_reason == "Patient declined"


def test_the_mentor_declines_with_a_reason_and_must_give_one(world) -> None:
    match = home_match(world, MatchStatus.PATIENT_AGREED)
    missing = _respond(world, "mentor", match, answer="decline")
    assert missing.status_code == 422 and missing["Content-Type"] == PROBLEM
    assert missing.json()["errors"] == [
        {"field": "reason", "message": "Say briefly why you are declining."}
    ]
    match.refresh_from_db()
    assert match.status == MatchStatus.PATIENT_AGREED and _actions(match) == []
    declined = _respond(world, "mentor", match, answer="decline", reason="Too close to home")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    match.refresh_from_db()
    assert (match.declined_by, match.decline_reason) == ("mentor", "Too close to home")
    assert _actions(match) == ["match.mentor_decline"]


def test_the_therapist_records_that_the_patient_agreed_and_nothing_else(world) -> None:
    match = home_match(world, MatchStatus.PROPOSED)
    refused = _respond(world, "therapist", match, answer="decline")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "answer"
    recorded = _respond(world, "therapist", match, answer="agree")
    assert recorded.status_code == 200
    assert recorded.json()["answered_as"] == "therapist"
    assert recorded.json()["status"] == "patient_agreed"


def test_the_wrong_word_for_who_is_answering_is_422_naming_answer(world) -> None:
    match = home_match(world, MatchStatus.PATIENT_AGREED)
    wrong = _respond(world, "mentor", match, answer="agree")
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == [
        {"field": "answer", "message": "A mentor answers “accept” or “decline”."}
    ]
    unknown = _respond(world, "mentor", match, answer="maybe")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "answer"
    match.refresh_from_db()
    assert match.status == MatchStatus.PATIENT_AGREED and _actions(match) == []


def test_an_answer_out_of_turn_is_409_with_the_services_words_and_writes_nothing(world) -> None:
    match = home_match(world, MatchStatus.PATIENT_AGREED)
    again = _respond(world, "patient", match, answer="agree")
    assert again.status_code == 409 and again["Content-Type"] == PROBLEM
    body = again.json()
    assert body["detail"] == "This match is “Patient agreed”, so it cannot be agreed to."
    assert body["errors"] == [{"field": "status", "message": body["detail"]}]
    match.refresh_from_db()
    assert match.status == MatchStatus.PATIENT_AGREED and match.patient_agreed_at is None
    assert _actions(match) == []


def test_a_mentor_cannot_answer_another_mentors_match_nor_a_proposal_not_yet_agreed(world) -> None:
    home_mentor(world)
    theirs = MatchFactory(
        service=world.home, mentor=ready_mentor(world.home), status=MatchStatus.PATIENT_AGREED
    )
    assert _respond(world, "mentor", theirs, answer="accept").status_code == 404
    # Their own, before the patient agreed: the mentor does not know of it yet (as the pages).
    own_proposal = home_match(world, MatchStatus.PROPOSED)
    assert _respond(world, "mentor", own_proposal, answer="accept").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == MatchStatus.PATIENT_AGREED and _actions(theirs) == []


def test_outsiders_and_the_analyst_see_nothing(world) -> None:
    match = home_match(world, MatchStatus.PROPOSED)
    for persona in ("outsider", "analyst"):
        for answer in ("agree", "decline"):
            assert _respond(world, persona, match, answer=answer).status_code == 404
        assert _end(world, persona, match, reason="goals_met").status_code == 404
    # Another patient's proposal is not the patient's to answer.
    other = MatchFactory(service=world.home, status=MatchStatus.PROPOSED)
    assert _respond(world, "patient", other, answer="agree").status_code == 404
    assert _actions(match) == [] and _actions(other) == []


def test_answering_needs_matches_write(world) -> None:
    match = home_match(world, MatchStatus.PROPOSED)
    refused = _call(
        world,
        "patient",
        f"/api/v1/matches/{match.pk}/respond",
        {"answer": "agree"},
        scopes=["matches:read"],
    )
    assert refused.status_code == 403 and refused.json()["required_scope"] == "matches:write"
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


# --- Ending a match ---------------------------------------------------------------------


def test_the_therapist_ends_an_active_match_with_its_reason(world) -> None:
    match = home_match(world, MatchStatus.ACTIVE)
    ended = _end(world, "therapist", match, reason="goals_met")
    assert ended.status_code == 200, ended.content
    assert ended.json()["status"] == "ended" and ended.json()["end_reason"] == "goals_met"
    assert _actions(match) == ["match.end"]
    # Ending it again: the service's words, 409, nothing more written.
    again = _end(world, "therapist", match, reason="goals_met")
    assert again.status_code == 409
    assert again.json()["detail"] == "This match is “Ended”, so it cannot be ended."
    assert _actions(match) == ["match.end"]


def test_other_needs_a_note_and_an_unknown_reason_is_refused(world) -> None:
    match = home_match(world, MatchStatus.ACTIVE)
    bare = _end(world, "admin", match, reason="other")
    assert bare.status_code == 422
    assert bare.json()["errors"] == [
        {"field": "note", "message": "Say briefly why the match ended."}
    ]
    unknown = _end(world, "admin", match, reason="bored")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "reason"
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and _actions(match) == []
    noted = _end(world, "admin", match, reason="other", note="Moved interstate")
    assert noted.status_code == 200
    match.refresh_from_db()
    assert match.end_note == "Moved interstate"


def test_only_the_clinical_team_ends_matches(world) -> None:
    match = home_match(world, MatchStatus.ACTIVE)
    for persona in ("mentor", "patient", "analyst", "outsider"):
        assert _end(world, persona, match, reason="goals_met").status_code == 404, persona
    refused = _call(
        world,
        "therapist",
        f"/api/v1/matches/{match.pk}/end",
        {"reason": "goals_met"},
        scopes=["matches:read"],
    )
    assert refused.status_code == 403 and refused.json()["required_scope"] == "matches:write"
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and _actions(match) == []


# --- Mentors' availability --------------------------------------------------------------


def _put(world: Any, persona: str, path: str, body: dict[str, Any], **token: Any) -> Any:
    return _call(world, persona, path, body, method="put", **token)


def test_a_mentor_sets_their_own_weekly_times(world) -> None:
    mentor = home_mentor(world)
    saved = _put(
        world, "mentor", "/api/v1/mentors/me/availability", {"availability": ["tue-pm", "mon-am"]}
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["availability"] == ["tue-pm", "mon-am"]
    mentor.refresh_from_db()
    assert mentor.availability == ["tue-pm", "mon-am"]
    # As the profile page: the supervisor sees what changed, and it is audited.
    assert MentorProfileChange.objects.filter(mentor=mentor).count() == 1
    assert AuditEvent.objects.filter(action="mentor.update_own", object_id=str(mentor.pk)).exists()


def test_a_mentor_cannot_set_their_capacity_nor_an_unknown_time(world) -> None:
    mentor = home_mentor(world)
    before = list(mentor.availability)
    capacity = _put(
        world, "mentor", "/api/v1/mentors/me/availability", {"availability": [], "capacity": 9}
    )
    # The mentor's own profile page has no capacity: not theirs to send.
    assert capacity.status_code == 422
    assert capacity.json()["errors"][0]["field"] == "capacity"
    unknown = _put(world, "mentor", "/api/v1/mentors/me/availability", {"availability": ["noon"]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "availability.0"
    mentor.refresh_from_db()
    assert mentor.availability == before and mentor.capacity != 9
    assert not MentorProfileChange.objects.filter(mentor=mentor).exists()


def test_someone_without_a_mentor_record_has_no_availability_to_set(world) -> None:
    home_mentor(world)
    for persona in ("therapist", "patient", "analyst", "outsider"):
        put = _put(world, persona, "/api/v1/mentors/me/availability", {"availability": []})
        assert put.status_code == 404, persona


def test_the_clinical_team_sets_a_mentors_times_and_capacity(world) -> None:
    mentor = home_mentor(world)
    path = f"/api/v1/mentors/{mentor.pk}/availability"
    saved = _put(world, "therapist", path, {"availability": ["wed-eve"], "capacity": 3})
    assert saved.status_code == 200, saved.content
    assert saved.json()["availability"] == ["wed-eve"] and saved.json()["capacity"] == 3
    mentor.refresh_from_db()
    assert (mentor.availability, mentor.capacity) == (["wed-eve"], 3)
    assert AuditEvent.objects.filter(action="mentor.update", object_id=str(mentor.pk)).exists()
    # Capacity not sent: unchanged.
    assert _put(world, "admin", path, {"availability": []}).json()["capacity"] == 3
    too_many = _put(world, "therapist", path, {"availability": [], "capacity": 21})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "capacity"


def test_a_mentor_and_outsiders_cannot_set_a_mentor_record_by_id(world) -> None:
    mentor = home_mentor(world)
    other = ready_mentor(world.other)
    for persona in ("mentor", "patient", "analyst", "outsider"):
        path = f"/api/v1/mentors/{mentor.pk}/availability"
        assert _put(world, persona, path, {"availability": ["mon-am"]}).status_code == 404
    assert (
        _put(world, "therapist", f"/api/v1/mentors/{other.pk}/availability", {"availability": []})
    ).status_code == 404
    assert Mentor.objects.get(pk=mentor.pk).availability == mentor.availability


def test_setting_availability_needs_mentors_write(world) -> None:
    mentor = home_mentor(world)
    refused = _put(
        world,
        "mentor",
        "/api/v1/mentors/me/availability",
        {"availability": ["mon-am"]},
        scopes=["mentors:read"],
    )
    assert refused.status_code == 403 and refused.json()["required_scope"] == "mentors:write"
    mentor.refresh_from_db()
    assert "mon-am" not in mentor.availability


def test_a_mentor_cannot_answer_once_the_patient_stops_sharing(world) -> None:
    # The mentor answers only while the patient shares with mentors (as the pages): once
    # consent is gone the match is out of the mentor's reach.
    patient = waiting_patient(world.home, consent=False)
    match = MatchFactory(
        service=world.home,
        patient=patient,
        mentor=home_mentor(world),
        status=MatchStatus.PATIENT_AGREED,
    )
    assert _respond(world, "mentor", match, answer="accept").status_code == 404


# --- Reading one's own side of a match ---------------------------------------------------


def _get(world: Any, persona: str, path: str) -> Any:
    secret = world.token_for(persona)
    return Client().get(path, headers={"Authorization": f"Bearer {secret}"})


def test_the_mentor_reads_their_mentee_and_no_more(world) -> None:
    match = home_match(world, MatchStatus.ACTIVE)
    found = _get(world, "mentor", "/api/v1/matches/mentees")
    assert found.status_code == 200, found.content
    (item,) = found.json()["items"]
    assert item["match_id"] == match.pk and item["status"] == "active"
    assert item["first_name"] == match.patient.given_name
    assert set(item) == {
        "match_id",
        "status",
        "first_name",
        "injury_category",
        "occupation_group",
        "contact_modes",
        "availability",
    }


def test_the_patient_reads_their_own_proposal(world) -> None:
    match = home_match(world, MatchStatus.PROPOSED)
    found = _get(world, "patient", "/api/v1/matches/mine")
    assert found.status_code == 200, found.content
    (item,) = found.json()["items"]
    assert item["match_id"] == match.pk and item["status"] == "proposed"
    assert item["mentor_first_name"] == match.mentor.first_name
