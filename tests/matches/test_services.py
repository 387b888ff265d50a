"""The match lifecycle: capacity, one open match, consent, decline and re-match."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.matches import services
from alongside.matches.models import Match, MatchStatus
from alongside.mentors import services as mentor_services
from alongside.patients import services as patient_services
from alongside.patients.models import ConsentKind, PatientStatus
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db


def _propose(world, patient, mentor, **kwargs):
    return services.match_propose(
        actor=world.people["therapist"], patient=patient, mentor=mentor, **kwargs
    )


def test_propose_snapshots_score_reasons_and_audits(world) -> None:
    mentor = ready_mentor(world.home)
    patient = waiting_patient(world.home)
    match = _propose(world, patient, mentor)
    assert match.status == MatchStatus.PROPOSED
    assert 0 < match.score <= 1
    assert match.criterion_scores["injury"] == pytest.approx(1.0)
    assert any("C5–6 motor incomplete tetraplegia (AIS C)" in reason for reason in match.reasons)
    assert match.weights["injury"] == 3.0
    mentor.refresh_from_db()
    assert mentor.mentee_count == 1
    event = AuditEvent.objects.get(action="match.propose")
    assert event.object_id == str(match.pk) and event.service_id == world.home.pk


def test_propose_refuses_a_full_mentor_and_writes_nothing(world) -> None:
    mentor = ready_mentor(world.home, capacity=1)
    _propose(world, waiting_patient(world.home), mentor)
    with pytest.raises(ValidationError) as error:
        _propose(world, waiting_patient(world.home), mentor)
    assert "No spare capacity" in str(error.value.message_dict["mentor"])
    assert Match.objects.count() == 1


def test_propose_refuses_mentor_who_just_became_ineligible(world) -> None:
    mentor = ready_mentor(world.home)
    mentor.checks_valid_until = timezone.localdate() - dt.timedelta(days=1)
    mentor.save()
    with pytest.raises(ValidationError) as error:
        _propose(world, waiting_patient(world.home), mentor)
    assert "checks" in str(error.value.message_dict["mentor"]).lower()
    assert not Match.objects.exists()
    assert not AuditEvent.objects.filter(action="match.propose").exists()


def test_one_open_match_per_patient_in_service_and_database(world) -> None:
    patient = waiting_patient(world.home)
    _propose(world, patient, ready_mentor(world.home))
    with pytest.raises(ValidationError) as error:
        _propose(world, patient, ready_mentor(world.home))
    assert "already has a match" in str(error.value.message_dict["patient"])
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchFactory(service=world.home, patient=patient, status=MatchStatus.ACTIVE)


def test_a_closed_match_does_not_block_a_new_one(world) -> None:
    patient = waiting_patient(world.home)
    MatchFactory(service=world.home, patient=patient, status=MatchStatus.DECLINED)
    MatchFactory(service=world.home, patient=patient, status=MatchStatus.ENDED, end_reason="other")
    assert _propose(world, patient, ready_mentor(world.home)).status == MatchStatus.PROPOSED


def test_outsider_cannot_propose_in_another_service(world) -> None:
    with pytest.raises(Http404):
        services.match_propose(
            actor=world.people["outsider"],
            patient=waiting_patient(world.home),
            mentor=ready_mentor(world.home),
        )


def test_patient_agree_requires_current_mentor_sharing_consent(world) -> None:
    patient = waiting_patient(world.home, consent=False, user=world.people["patient"])
    match = _propose(world, patient, ready_mentor(world.home))
    with pytest.raises(ValidationError) as error:
        services.match_patient_agree(actor=world.people["patient"], match=match)
    assert "consent" in error.value.message_dict
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


def test_full_lifecycle_agree_accept_activate_end(
    world, django_capture_on_commit_callbacks
) -> None:
    mentor_user = world.people["mentor"]
    mentor = ready_mentor(world.home, user=mentor_user)
    patient = waiting_patient(world.home, user=world.people["patient"])
    match = _propose(world, patient, mentor)
    with django_capture_on_commit_callbacks(execute=True):
        match = services.match_patient_agree(actor=world.people["patient"], match=match)
    assert match.status == MatchStatus.PATIENT_AGREED and match.patient_agreed_at
    match = services.match_mentor_accept(actor=mentor_user, match=match)
    assert match.status == MatchStatus.MENTOR_ACCEPTED and match.mentor_responded_at
    match = services.match_activate(actor=world.people["therapist"], match=match)
    patient.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and match.started_at
    assert patient.mentor_introduced_on == timezone.localdate()
    assert patient.status == PatientStatus.MATCHED
    with pytest.raises(ValidationError):
        services.match_end(actor=world.people["therapist"], match=match, reason="bogus")
    match = services.match_end(actor=world.people["therapist"], match=match, reason="goals_met")
    mentor.refresh_from_db()
    assert match.status == MatchStatus.ENDED and mentor.mentee_count == 0
    actions = list(
        AuditEvent.objects.filter(object_type="matches.match")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "match.propose",
        "match.patient_agree",
        "match.mentor_accept",
        "match.activate",
        "match.end",
    ]


def test_another_mentor_cannot_accept(world) -> None:
    match = MatchFactory(service=world.home, status=MatchStatus.PATIENT_AGREED)
    with pytest.raises(Http404):
        services.match_mentor_accept(actor=world.people["mentor"], match=match)


def test_mentor_decline_needs_reason_and_rematch_excludes_that_mentor(world) -> None:
    mentor_user = world.people["mentor"]
    first = ready_mentor(world.home, user=mentor_user)
    patient = waiting_patient(world.home)
    match = _propose(world, patient, first)
    match.status = MatchStatus.PATIENT_AGREED
    match.save()
    with pytest.raises(ValidationError) as error:
        services.match_mentor_decline(actor=mentor_user, match=match, reason="  ")
    assert "reason" in error.value.message_dict
    services.match_mentor_decline(actor=mentor_user, match=match, reason="Too busy this month")
    first.refresh_from_db()
    assert first.mentee_count == 0
    with pytest.raises(ValidationError) as error:
        _propose(world, patient, first)
    assert "matched before" in str(error.value.message_dict["mentor"])
    again = _propose(world, patient, first, override_repeat=True)
    assert again.override_repeat is True


def test_pausing_a_mentor_flags_open_matches(world) -> None:
    mentor = ready_mentor(world.home)
    match = MatchFactory(service=world.home, mentor=mentor, status=MatchStatus.ACTIVE)
    mentor_services.mentor_pause(actor=world.people["therapist"], mentor=mentor, reason="Resting")
    match.refresh_from_db()
    assert match.needs_review and "paused" in match.review_reason.lower()


def test_sweep_flags_mentors_whose_checks_expired(world) -> None:
    mentor = ready_mentor(world.home)
    match = MatchFactory(service=world.home, mentor=mentor, status=MatchStatus.PROPOSED)
    assert services.matches_flag_unavailable() == 0
    mentor.checks_valid_until = timezone.localdate() - dt.timedelta(days=1)
    mentor.save()
    assert services.matches_flag_unavailable() == 1
    assert services.matches_flag_unavailable() == 0  # already flagged for the same reason
    match.refresh_from_db()
    assert match.needs_review and "checks" in match.review_reason


def test_withdrawing_consent_declines_proposals_and_flags_active(world) -> None:
    patient = waiting_patient(world.home)
    match = MatchFactory(service=world.home, patient=patient, status=MatchStatus.PATIENT_AGREED)
    consent = patient.consents.get(kind=ConsentKind.MENTOR_SHARING)
    patient_services.consent_withdraw(actor=world.people["therapist"], consent=consent)
    match.refresh_from_db()
    assert match.status == MatchStatus.DECLINED and match.declined_by == "system"


def test_weights_reject_negative_all_zero_and_non_numbers(world) -> None:
    admin = world.people["admin"]
    good = dict(injury=3, work=3, age=1, place=1, language=1, availability=1, modes=1)
    with pytest.raises(ValidationError) as error:
        services.matching_weights_save(actor=admin, service=world.home, values={**good, "age": -1})
    assert "age" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.matching_weights_save(actor=admin, service=world.home, values={k: 0 for k in good})
    with pytest.raises(ValidationError) as error:
        services.matching_weights_save(
            actor=admin, service=world.home, values={**good, "work": "x"}
        )
    assert "work" in error.value.message_dict
    row = services.matching_weights_save(actor=admin, service=world.home, values={**good, "age": 2})
    assert row.age == 2.0
    with pytest.raises(Http404):
        services.matching_weights_save(
            actor=world.people["therapist"], service=world.home, values=good
        )
