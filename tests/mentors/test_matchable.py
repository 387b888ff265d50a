"""`Mentor.objects.matchable(today)` and `mentor_is_matchable` agree, and follow the rules."""

from __future__ import annotations

import datetime as dt

import pytest

from alongside.mentors import services
from alongside.mentors.models import Mentor
from alongside.mentors.selectors import mentor_is_matchable
from tests.mentors.factories import TrainingModuleFactory, make_ready_mentor


@pytest.fixture
def ready(world, frozen):
    TrainingModuleFactory(service=world.home, title="Safeguarding", recertify_months=12)
    world.home.supervision_grace_days = 14
    world.home.save()
    return make_ready_mentor(
        service=world.home, today=frozen, status="active", supervisor=world.people["therapist"]
    )


def _agree(mentor: Mentor, today: dt.date) -> bool:
    mentor.refresh_from_db()
    in_queryset = Mentor.objects.matchable(today).filter(pk=mentor.pk).exists()
    verdict = mentor_is_matchable(mentor, today)
    assert in_queryset == verdict.matchable, verdict.reasons
    return in_queryset


def test_a_ready_active_mentor_is_matchable(ready, frozen) -> None:
    assert _agree(ready, frozen)


def test_full_capacity_is_not_matchable(ready, frozen) -> None:
    Mentor.objects.filter(pk=ready.pk).update(mentee_count=ready.capacity)
    assert not _agree(ready, frozen)


def test_an_expired_check_stops_new_matches(ready, frozen) -> None:
    expiry = frozen + dt.timedelta(days=10)
    ready.checks.update(expires_on=expiry)
    services.bulk_compliance_refresh([ready])
    assert _agree(ready, expiry)
    assert not _agree(ready, expiry + dt.timedelta(days=1))
    assert "A check expired" in mentor_is_matchable(ready, expiry + dt.timedelta(days=1)).reasons[0]


def test_lapsed_training_stops_new_matches(ready, frozen) -> None:
    later = frozen + dt.timedelta(days=400)  # the 12-month module has lapsed
    ready.checks.update(expires_on=later + dt.timedelta(days=100))
    services.bulk_compliance_refresh([ready])
    Mentor.objects.filter(pk=ready.pk).update(supervision_due_on=later)
    assert not _agree(ready, later)


def test_supervision_overdue_past_the_grace_period(ready, world, frozen) -> None:
    services.supervision_log(
        actor=world.people["therapist"], mentor=ready, held_on=frozen, kind="one_to_one"
    )
    ready.refresh_from_db()
    due = frozen + dt.timedelta(weeks=4)
    assert ready.supervision_due_on == due
    assert _agree(ready, due + dt.timedelta(days=14))
    assert not _agree(ready, due + dt.timedelta(days=15))
    world.home.supervision_grace_days = 30  # the service decides the grace period
    world.home.save()
    assert _agree(ready, due + dt.timedelta(days=15))


def test_paused_and_pipeline_mentors_are_not_matchable(ready, world, frozen) -> None:
    services.mentor_pause(actor=world.people["therapist"], mentor=ready, reason="Break")
    assert not _agree(ready, frozen)
    applicant = make_ready_mentor(service=world.home, today=frozen, status="training")
    assert not _agree(applicant, frozen)


def test_a_new_required_module_makes_everyone_unmatchable_until_done(ready, world, frozen) -> None:
    services.training_module_save(
        actor=world.people["admin"],
        service=world.home,
        values={
            "title": "New rule",
            "required": True,
            "recertify_months": None,
            "description": "",
            "order": 9,
        },
    )
    assert not _agree(ready, frozen)
