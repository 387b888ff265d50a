"""Factories for contacts, and the objects access rows need (cached on the world)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from alongside.contacts.models import Concern, Contact, LoggedContactMode
from alongside.matches.models import Match, MatchStatus
from tests.matches.factories import MatchFactory, home_patient, waiting_patient
from tests.mentors.factories import home_mentor
from tests.personas import World


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    match = factory.SubFactory(MatchFactory, status=MatchStatus.ACTIVE)
    service = factory.LazyAttribute(lambda o: o.match.service)
    contact_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    mode = LoggedContactMode.PHONE
    duration_minutes = 30
    topics = factory.LazyFunction(lambda: ["Returning to work"])
    reflection = "Went well; talked about going back part time."


def active_match(service: Any, *, days_ago: int = 30, **fields: Any) -> Match:
    return MatchFactory(
        service=service,
        status=MatchStatus.ACTIVE,
        started_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )


def home_active_match(world: World, *, persona_patient: bool = False) -> Match:
    """The mentor persona's active match, started 30 days ago.

    Its patient is not the patient persona unless asked: the matches rows give the
    persona an open proposal in the same world, and a patient has one open match.
    """
    key = "contacts_match_persona" if persona_patient else "contacts_match"
    if key not in world.objects:
        patient = (
            home_patient(world)
            if persona_patient
            else waiting_patient(world.home, given_name="Cas", family_name="Contacts")
        )
        world.objects[key] = active_match(
            world.home,
            patient=patient,
            mentor=home_mentor(world),
            proposed_by=world.people["therapist"],
        )
    return world.objects[key]


def home_ended_match(world: World) -> Match:
    if "contacts_ended_match" not in world.objects:
        world.objects["contacts_ended_match"] = MatchFactory(
            service=world.home,
            patient=home_patient(world),
            mentor=home_mentor(world),
            status=MatchStatus.ENDED,
            started_at=timezone.now() - dt.timedelta(days=200),
            ended_at=timezone.now() - dt.timedelta(days=10),
            end_reason="goals_met",
        )
    return world.objects["contacts_ended_match"]


def home_contact(world: World) -> Contact:
    if "contact" not in world.objects:
        world.objects["contact"] = ContactFactory(match=home_active_match(world))
    return world.objects["contact"]


def home_concern(world: World) -> Concern:
    if "concern" not in world.objects:
        contact = home_contact(world)
        world.objects["concern"] = Concern.objects.create(
            contact=contact,
            service=contact.service,
            kind="health_change",
            description="Seemed much more tired than last week.",
            raised_by=world.people["mentor"],
        )
    return world.objects["concern"]
