"""The matching pool: built from column values, cached per service by a database fingerprint."""

from __future__ import annotations

import random

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.core.matching import MentorPool, Weights
from alongside.matches import profiles
from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import Mentor, MentorStatus
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _varied_mentors(service, rng: random.Random, n: int) -> None:
    for i in range(n):
        fields = {
            "first_name": f"M{i}",
            "gender": rng.choice(["woman", "man", "non_binary", "not_said", "self_described", ""]),
            "injury_category": rng.choice(["sci", "tbi", "amputation"]),
            "birth_year": rng.choice([None, 1960, 1975, 1990]),
            "languages": rng.sample(["English", "Arabic", "Greek"], rng.randint(0, 2)),
            "contact_modes": rng.sample(["in_person", "phone", "video"], rng.randint(0, 3)),
            "willing_categories": rng.sample(["sci", "tbi", "amputation"], rng.randint(0, 2)),
            "travel_radius_km": rng.choice([5, 20, 80]),
            "capacity": rng.choice([0, 1, 2, 3]),
            "status": rng.choice([MentorStatus.ACTIVE] * 4 + [MentorStatus.PAUSED]),
            "latitude": rng.uniform(-38, -33),
            "longitude": rng.uniform(144, 151),
        }
        if rng.random() < 0.2:
            fields["checks_valid_until"] = TODAY - timezone.timedelta(days=1)
        mentor = ready_mentor(service, **fields)
        for _ in range(rng.randint(0, 2)):
            MatchFactory(
                service=service,
                mentor=mentor,
                status=rng.choice(
                    [MatchStatus.ACTIVE, MatchStatus.PROPOSED, MatchStatus.PATIENT_AGREED]
                ),
            )


def _instance_profiles(service):
    """The old way: every mentor as a model instance through ``mentor_profile``."""
    rows = profiles.with_open_match_count(
        Mentor.objects.filter(service=service, status__in=profiles.POOL_STATUSES)
    ).order_by("pk")
    return [
        profiles.mentor_profile(m, service=service, today=TODAY, open_matches=m.open_matches)
        for m in rows
    ]


def test_pool_from_columns_equals_the_pool_from_model_instances(world) -> None:
    rng = random.Random(18)
    _varied_mentors(world.home, rng, 40)
    built = profiles.build_pool(world.home, today=TODAY)
    old = _instance_profiles(world.home)
    assert list(built.mentors) == old
    reference = MentorPool(old)
    for i in range(25):
        patient = waiting_patient(
            world.home,
            given_name=f"P{i}",
            injury_category=rng.choice(["sci", "tbi"]),
            preferred_mentor_gender=rng.choice(["", "woman", "man"]),
            wants_in_person=rng.random() < 0.4,
        )
        profile = profiles.patient_profile(patient, service=world.home, today=TODAY)
        new_rank = [(s.mentor_id, s.total) for s in built.rank(profile, Weights())]
        old_rank = [(s.mentor_id, s.total) for s in reference.rank(profile, Weights())]
        assert new_rank == old_rank
        assert (built.failed_rule_index(profile) == reference.failed_rule_index(profile)).all()


def test_a_cache_hit_does_not_query_mentors(world, django_assert_num_queries) -> None:
    for _ in range(5):
        ready_mentor(world.home)
    first = profiles.service_pool(world.home, today=TODAY)
    builds = profiles.pool_builds
    with django_assert_num_queries(2) as captured:  # the fingerprint and the weights
        again = profiles.service_pool(world.home, today=TODAY)
    assert again.pool is first.pool and profiles.pool_builds == builds
    fingerprint = captured.captured_queries[0]["sql"]
    assert "latitude" not in fingerprint and "injury_category" not in fingerprint


def test_another_day_or_service_builds_its_own_pool(world) -> None:
    ready_mentor(world.home)
    ready_mentor(world.other)
    home = profiles.service_pool(world.home, today=TODAY).pool
    other = profiles.service_pool(world.other, today=TODAY).pool
    tomorrow = profiles.service_pool(world.home, today=TODAY + timezone.timedelta(days=1)).pool
    assert home is not other and home is not tomorrow
    assert profiles.service_pool(world.home, today=TODAY).pool is not home  # size-1 per service


def test_a_mentor_write_or_a_match_write_changes_the_next_find_page(world) -> None:
    therapist = world.client_for("therapist")
    mentor = ready_mentor(world.home, first_name="Zed", capacity=1)
    ready_mentor(world.home, first_name="Yan")
    patient = waiting_patient(world.home)
    url = reverse("matches:find", args=[patient.pk])
    assert "2 suggested of 2" in therapist.get(url).content.decode()
    assert "2 suggested of 2" in therapist.get(url).content.decode()  # served from the cache

    mentor.status = MentorStatus.PAUSED  # a mentor write
    mentor.save()
    body = therapist.get(url).content.decode()
    assert "1 suggested of 2" in body and "Not paused</a>: 1 mentor<" in body

    mentor.status = MentorStatus.ACTIVE
    mentor.save()
    assert "2 suggested of 2" in therapist.get(url).content.decode()
    other = waiting_patient(world.home, given_name="Other")
    MatchFactory(service=world.home, mentor=mentor, patient=other, status=MatchStatus.ACTIVE)
    body = therapist.get(url).content.decode()  # a match write: Zed's one place is taken
    assert "1 suggested of 2" in body and "Free place</a>: 1 mentor<" in body

    Match.objects.filter(mentor=mentor).delete()  # a delete moves the count
    assert "2 suggested of 2" in therapist.get(url).content.decode()


def test_find_page_pages_the_suggestions_and_each_rules_list(world) -> None:
    therapist = world.client_for("therapist")
    for i in range(23):
        ready_mentor(world.home, first_name=f"Ready{i:02}")
    for i in range(3):
        ready_mentor(world.home, first_name=f"Full{i}", capacity=0)
    patient = waiting_patient(world.home)
    url = reverse("matches:find", args=[patient.pk])
    seen = []
    for number in (1, 2, 3):
        body = therapist.get(url, {"page": number}).content.decode()
        seen += [f"Ready{i:02}" for i in range(23) if f"Propose Ready{i:02}<" in body]
        assert "Free place</a>: 3 mentors<" in body and "Full0" not in body
    assert sorted(seen) == [f"Ready{i:02}" for i in range(23)]
    assert 'aria-label="Pages of results"' in body
    listed = therapist.get(url, {"excluded": "capacity"}).content.decode()
    assert all(f"Full{i}" in listed for i in range(3)) and "No spare capacity" in listed
    assert "Propose" not in listed
    unknown = therapist.get(url, {"excluded": "nonsense", "page": "x"})
    assert unknown.status_code == 200 and "Propose Ready" in unknown.content.decode()
