"""Factories for matches, and the objects access rows need."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import MentorStatus
from alongside.organisations.models import Service
from alongside.patients.models import Patient, PatientStatus
from tests.factories import ServiceFactory
from tests.mentors.factories import MentorFactory, home_mentor
from tests.patients.factories import ConsentFactory, PatientFactory
from tests.personas import World


def ready_mentor(service: Service, **fields: Any) -> Any:
    """An active mentor who passes every programme gate today (no child rows needed)."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "status": MentorStatus.ACTIVE,
        "checks_valid_until": today + dt.timedelta(days=365),
        "training_valid_until": today + dt.timedelta(days=365),
        "supervision_due_on": today + dt.timedelta(days=20),
        "capacity": 2,
        "injury_category": "sci",
        "sci_level": "C6",
        "asia_grade": "C",
        "occupation_code": "341111",
        "willing_categories": ["sci", "ortho"],
        "gender": "man",
        "languages": ["English"],
        "contact_modes": ["phone", "video"],
        "birth_year": today.year - 40,
        "rtw_story": "I went back to my trade a year after my injury.",
    }
    values.update(fields)
    return MentorFactory(service=service, **values)


def waiting_patient(service: Service, *, consent: bool = True, **fields: Any) -> Patient:
    values: dict[str, Any] = {
        "status": PatientStatus.ACTIVE,
        "accepted_on": timezone.localdate() - dt.timedelta(days=5),
        "injury_category": "sci",
        "sci_level": "C6",
        "asia_grade": "C",
        "occupation_code": "341111",
        "contact_modes": ["phone"],
        "availability": ["mon-am"],
        "languages": ["English"],
    }
    values.update(fields)
    patient = PatientFactory(service=service, **values)
    if consent:
        ConsentFactory(patient=patient)
    return patient


class MatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Match

    service = factory.SubFactory(ServiceFactory)
    patient = factory.LazyAttribute(lambda o: waiting_patient(o.service))
    mentor = factory.LazyAttribute(lambda o: ready_mentor(o.service))
    status = MatchStatus.PROPOSED
    score = 0.8
    criterion_scores = factory.LazyFunction(lambda: {"injury": 1.0, "work": 0.6})
    reasons = factory.LazyFunction(lambda: ["Both had a spinal cord injury (100% match)."])


# --- Objects for access-matrix rows, cached on the world -------------------------------


def home_patient(world: World) -> Patient:
    """The patient persona's own record, sharing with mentors."""
    if "match_patient" not in world.objects:
        world.objects["match_patient"] = waiting_patient(
            world.home, user=world.people["patient"], given_name="Pia", family_name="Home"
        )
    return world.objects["match_patient"]


def home_match(world: World, status: str = MatchStatus.PATIENT_AGREED) -> Match:
    """A match between the patient persona and the mentor persona."""
    key = f"match_{status}"
    if key not in world.objects:
        mentor = home_mentor(world)
        today = timezone.localdate()
        mentor.checks_valid_until = today + dt.timedelta(days=365)
        mentor.training_valid_until = today + dt.timedelta(days=365)
        mentor.save()
        world.objects[key] = MatchFactory(
            service=world.home,
            patient=home_patient(world),
            mentor=mentor,
            status=status,
            proposed_by=world.people["therapist"],
        )
    return world.objects[key]
