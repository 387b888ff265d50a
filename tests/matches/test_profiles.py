"""Rows → engine profiles: vocabularies, programme gates, exclusions, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alongside.matches import profiles
from alongside.matches.models import MatchStatus
from alongside.mentors.models import MentorStatus
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_patient_and_mentor_vocabularies_meet(world) -> None:
    patient = waiting_patient(
        world.home,
        gender="woman",
        preferred_mentor_gender="woman",
        employment_type="full_time",
        physical_demands="high",
    )
    mentor = ready_mentor(world.home, gender="woman", employment_type="employee")
    pp = profiles.patient_profile(patient, service=world.home, today=TODAY)
    mp = profiles.mentor_profile(mentor, service=world.home, today=TODAY, open_matches=0)
    assert pp.gender == mp.gender == pp.preferred_mentor_gender == "woman"
    assert pp.employment_type == mp.employment_type == "employee"
    assert pp.work_demands == "physical"
    assert pp.occupation_classification == mp.occupation_classification == "anzsco"


def test_mentor_gates_follow_the_programme_dates(world) -> None:
    mentor = ready_mentor(world.home, training_valid_until=TODAY - dt.timedelta(days=1))
    mp = profiles.mentor_profile(mentor, service=world.home, today=TODAY, open_matches=1)
    assert mp.active and not mp.paused and mp.checks_ok and not mp.training_ok
    assert mp.supervision_ok and mp.active_mentee_count == 1
    overdue = ready_mentor(world.home, supervision_due_on=TODAY - dt.timedelta(days=30))
    assert not profiles.mentor_profile(
        overdue, service=world.home, today=TODAY, open_matches=0
    ).supervision_ok
    paused = ready_mentor(world.home, status=MentorStatus.PAUSED)
    mp = profiles.mentor_profile(paused, service=world.home, today=TODAY, open_matches=0)
    assert mp.active and mp.paused  # excluded by the "paused" rule, with that reason


def test_unrestricted_willingness_and_missing_fields_are_not_recorded(world) -> None:
    mentor = ready_mentor(world.home, willing_categories=[], birth_year=None, occupation_code="")
    mp = profiles.mentor_profile(mentor, service=world.home, today=TODAY, open_matches=0)
    assert mp.willing_categories is None and mp.age is None and mp.occupation_code is None


def test_excluded_mentors_are_past_declined_and_ended_only(world) -> None:
    patient = waiting_patient(world.home)
    declined = MatchFactory(service=world.home, patient=patient, status=MatchStatus.DECLINED)
    ended = MatchFactory(
        service=world.home, patient=patient, status=MatchStatus.ENDED, end_reason="no_contact"
    )
    MatchFactory(service=world.home, patient=patient, status=MatchStatus.PROPOSED)
    assert profiles.excluded_mentor_ids([patient.pk]) == {
        patient.pk: frozenset({declined.mentor_id, ended.mentor_id})
    }


def test_service_pool_is_three_queries_whatever_its_size(world, django_assert_num_queries) -> None:
    for _ in range(12):
        mentor = ready_mentor(world.home)
        MatchFactory(service=world.home, mentor=mentor, status=MatchStatus.ACTIVE)
    ready_mentor(world.home, status=MentorStatus.RETIRED)
    # fingerprint + mentors' columns annotated with open matches + weights
    with django_assert_num_queries(3):
        pool = profiles.service_pool(world.home, today=TODAY)
    assert len(pool.pool) == 12
    assert all(m.active_mentee_count == 1 for m in pool.pool.mentors)
