""" "May this mentor take a new mentee?" is stated once (``core.mentor_programme
.matchability``); the queryset filter and the matching pool's gates derive from it and
give the same answer for mentors in every combination of states."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from alongside.core import mentor_programme as rules
from alongside.core.matching.rules import RULES
from alongside.matches import profiles
from alongside.mentors.models import Mentor
from alongside.mentors.selectors import mentor_is_matchable
from tests.mentors.factories import MentorFactory
from tests.personas import World

TODAY = dt.date(2026, 6, 15)
GRACE = 14
# The pool's rules that are about the mentor alone (the rest compare them with a patient).
MENTOR_GATES = (
    "active",
    "paused",
    "wellbeing_hold",
    "training",
    "checks",
    "supervision",
    "capacity",
)

STATUSES = ("active", "paused", "training", "retired")
CAPACITY = (0, 2)  # no place free / places free (no open matches yet)
VALID_UNTIL = (None, TODAY - dt.timedelta(days=1), TODAY, TODAY + dt.timedelta(days=90))
SUPERVISION_DUE = (
    None,
    TODAY + dt.timedelta(days=10),
    TODAY - dt.timedelta(days=GRACE),  # overdue, still inside the grace period
    TODAY - dt.timedelta(days=GRACE + 1),  # one day past it
)
HOLD = (None, timezone.make_aware(dt.datetime(2026, 6, 1, 9, 0)))


@pytest.fixture
def mentors_in_every_state(world: World) -> list[Mentor]:
    world.home.supervision_grace_days = GRACE
    world.home.save()
    rows = [
        MentorFactory.build(
            service=world.home,
            status=status,
            capacity=capacity,
            mentee_count=0,
            checks_valid_until=checks,
            training_valid_until=training,
            supervision_due_on=due,
            wellbeing_hold_since=hold,
        )
        for status, capacity, checks, training, due, hold in itertools.product(
            STATUSES, CAPACITY, VALID_UNTIL, VALID_UNTIL, SUPERVISION_DUE, HOLD
        )
    ]
    return Mentor.objects.bulk_create(rows)


@pytest.mark.django_db
def test_queryset_pool_and_rule_agree_for_every_mentor(
    mentors_in_every_state: list[Mentor],
) -> None:
    mentors = list(Mentor.objects.filter(pk__in=[m.pk for m in mentors_in_every_state]))
    assert len(mentors) == len(STATUSES) * len(CAPACITY) * 4 * 4 * 4 * 2

    by_rule = {m.pk for m in mentors if mentor_is_matchable(m, TODAY).matchable}
    by_queryset = set(Mentor.objects.matchable(TODAY).values_list("pk", flat=True))
    pool = profiles.service_pool(mentors[0].service, today=TODAY)
    gates = [check for name, check in RULES if name in MENTOR_GATES]
    assert len(gates) == len(MENTOR_GATES)
    by_pool = {
        profile.mentor_id
        for profile in pool.pool.mentors
        if all(check(None, profile) is None for check in gates)
    }

    assert by_rule, "some generated mentors must be matchable"
    assert len(by_rule) < len(mentors), "and some must not"
    assert by_queryset == by_rule
    assert by_pool == by_rule


@pytest.mark.django_db
def test_every_refusal_names_each_failed_condition(mentors_in_every_state: list[Mentor]) -> None:
    for mentor in mentors_in_every_state:
        failed = rules.matchability_conditions(
            rules.MentorState(
                status=mentor.status,
                capacity=mentor.capacity,
                mentee_count=mentor.mentee_count,
                checks_valid_until=mentor.checks_valid_until,
                training_valid_until=mentor.training_valid_until,
                supervision_due_on=mentor.supervision_due_on,
                wellbeing_hold_since=mentor.wellbeing_hold_since,
            ),
            TODAY,
            GRACE,
        )
        verdict = mentor_is_matchable(mentor, TODAY)
        assert verdict.reasons == [failed[n] for n in rules.MATCHABILITY_CONDITIONS if failed[n]]
        assert verdict.matchable == (not any(failed.values()))
