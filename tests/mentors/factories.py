"""Factories for the mentor programme, and the objects access rows need."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from alongside.mentors import services
from alongside.mentors.models import (
    Check,
    DebriefRequest,
    ExpenseClaim,
    Mentor,
    MentorStatus,
    SelectionCriterion,
    TrainingCompletion,
    TrainingModule,
    WellbeingCheckIn,
)
from tests.factories import ServiceFactory
from tests.personas import World

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class MentorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mentor

    service = factory.SubFactory(ServiceFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    injury_category = "sci"
    date_of_injury = dt.date(2020, 3, 1)
    returned_to_work_on = dt.date(2021, 2, 1)
    capacity = 2
    contact_modes = ["phone", "video"]
    willing_categories = ["sci"]


class SelectionCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SelectionCriterion

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    required = True


class TrainingModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingModule

    service = factory.SubFactory(ServiceFactory)
    title = factory.Sequence(lambda n: f"Module {n}")
    required = True
    recertify_months = 24


def make_ready_mentor(
    *, service: Any, today: dt.date, status: str = MentorStatus.TRAINING, **fields: Any
) -> Mentor:
    """A mentor with every criterion met, a clear background check and training done.

    Rows are written directly (no audit) and compliance dates recomputed, as in demo loading.
    """
    mentor = MentorFactory(service=service, status=status, **fields)
    for criterion in SelectionCriterion.objects.filter(service=service, kind="recorded"):
        mentor.criterion_results.create(criterion=criterion, met=True)
    Check.objects.create(
        mentor=mentor,
        kind="background",
        issued_on=today - dt.timedelta(days=100),
        expires_on=today + dt.timedelta(days=900),
        outcome="clear",
    )
    for module in TrainingModule.objects.filter(service=service):
        TrainingCompletion.objects.create(
            mentor=mentor, module=module, completed_on=today - dt.timedelta(days=30)
        )
    services.bulk_compliance_refresh([mentor])
    mentor.refresh_from_db()
    return mentor


# --- Objects for access-matrix rows, cached on the world -------------------------------


def home_mentor(world: World) -> Mentor:
    """The mentor persona's own record in the home service, supervised by the therapist."""
    if "mentor_record" not in world.objects:
        world.objects["mentor_record"] = MentorFactory(
            service=world.home,
            user=world.people["mentor"],
            status=MentorStatus.ACTIVE,
            supervisor=world.people["therapist"],
            first_name="Mia",
            last_name="Home",
        )
    return world.objects["mentor_record"]


def home_checkin(world: World) -> WellbeingCheckIn:
    if "checkin" not in world.objects:
        world.objects["checkin"] = WellbeingCheckIn.objects.create(
            mentor=home_mentor(world), score=1, wants_to_talk=True, flagged=True
        )
    return world.objects["checkin"]


def home_debrief(world: World) -> DebriefRequest:
    """An open debrief request for the home mentor (as a check-in asking to talk opens)."""
    if "debrief" not in world.objects:
        world.objects["debrief"] = DebriefRequest.objects.create(
            mentor=home_mentor(world),
            source="checkin",
            source_id=home_checkin(world).pk,
            reason="Asked to talk to their supervisor in a well-being check-in.",
        )
    return world.objects["debrief"]


def home_claim(world: World) -> ExpenseClaim:
    if "claim" not in world.objects:
        from django.core.files.base import ContentFile

        claim = ExpenseClaim(
            mentor=home_mentor(world),
            spent_on=dt.date(2024, 1, 5),
            purpose="Parking",
            amount=Decimal("12.50"),
            receipt_content_type="application/pdf",
        )
        claim.receipt.save("receipt", ContentFile(PDF_BYTES), save=False)
        claim.save()
        world.objects["claim"] = claim
    return world.objects["claim"]


def home_criterion(world: World) -> SelectionCriterion:
    if "criterion" not in world.objects:
        world.objects["criterion"] = SelectionCriterionFactory(service=world.home, name="Interview")
    return world.objects["criterion"]


def home_module(world: World) -> TrainingModule:
    if "module" not in world.objects:
        world.objects["module"] = TrainingModuleFactory(service=world.home, title="Boundaries")
    return world.objects["module"]
