import pytest

from alongside.core.matching import MentorProfile, PatientProfile, first_failed_rule
from tests.core.helpers import ready_mentor

P = PatientProfile


def rule(patient, mentor):
    exclusion = first_failed_rule(patient, mentor)
    return None if exclusion is None else exclusion.rule


def test_a_ready_mentor_passes():
    assert first_failed_rule(P(1), ready_mentor()) is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"active": False}, "active"),
        ({"active": None}, "active"),
        ({"paused": True}, "paused"),
        ({"training_ok": False}, "training"),
        ({"checks_ok": None}, "checks"),
        ({"supervision_ok": False}, "supervision"),
        ({"capacity": 1, "active_mentee_count": 1}, "capacity"),
        ({"capacity": None}, "capacity"),
    ],
)
def test_safety_gates(changes, expected):
    assert rule(P(1), ready_mentor(**changes)) == expected


def test_the_first_failing_rule_is_reported_with_a_reason():
    exclusion = first_failed_rule(P(1), ready_mentor(active=False, paused=True))
    assert exclusion.rule == "active" and exclusion.reason == "Mentor is not active"
    full = first_failed_rule(P(1), ready_mentor(capacity=3, active_mentee_count=3))
    assert full.reason == "No spare capacity: 3 of 3 mentees"


def test_declined_before_unless_overridden():
    patient = P(1, excluded_mentor_ids=frozenset({"m1"}))
    assert rule(patient, ready_mentor("m1")) == "declined_before"
    assert rule(P(1), ready_mentor("m1")) is None


def test_willingness():
    mentor = ready_mentor(willing_categories=frozenset({"sci"}))
    assert rule(P(1, injury_category="tbi"), mentor) == "willing"
    assert rule(P(1, injury_category="sci"), mentor) is None
    assert rule(P(1, injury_category="tbi"), ready_mentor(willing_categories=None)) is None


def test_patient_preferences():
    assert rule(P(1, preferred_mentor_gender="female"), ready_mentor(gender="Female")) is None
    assert rule(P(1, preferred_mentor_gender="female"), ready_mentor(gender="male")) == "gender"
    assert rule(P(1, preferred_mentor_gender="female"), ready_mentor()) == "gender"
    assert rule(P(1, required_language="Greek"), ready_mentor(languages=("greek",))) is None
    assert rule(P(1, required_language="Greek"), ready_mentor(languages=("English",))) == "language"


def test_in_person_needs_distance_or_region():
    melbourne = dict(latitude=-37.81, longitude=144.96)
    geelong = dict(latitude=-38.15, longitude=144.36)
    patient = P(1, wants_in_person=True, **melbourne)
    assert rule(patient, ready_mentor(travel_radius_km=80, **geelong)) is None
    far = first_failed_rule(patient, ready_mentor(travel_radius_km=20, **geelong))
    assert far.rule == "in_person" and "Too far" in far.reason
    assert (
        rule(P(1, wants_in_person=True, region="Geelong"), ready_mentor(region="geelong")) is None
    )
    assert (
        rule(P(1, wants_in_person=True, region="Geelong"), ready_mentor(region="Bendigo"))
        == "in_person"
    )
    assert rule(P(1, wants_in_person=True), ready_mentor()) == "in_person"
    phone_only = ready_mentor(region="Geelong", contact_modes=frozenset({"phone"}))
    assert rule(P(1, wants_in_person=True, region="Geelong"), phone_only) == "in_person"
    assert isinstance(ready_mentor(), MentorProfile)
