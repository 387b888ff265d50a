"""Synthetic demo data: two services, six sign-ins, then each app's own demo step.

Apps add a step (a function taking a DemoContext) to STEPS; steps run in order
and must be idempotent, because `alongside demo` may run on every `make run`.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.module_loading import import_string

from alongside.accounts.models import Role, User
from alongside.accounts.services import membership_grant, user_create
from alongside.organisations.models import OccupationClassification, Service

DEMO_DOMAIN = "demo.example"


def demo_password() -> str:
    return os.environ.get("ALONGSIDE_DEMO_PASSWORD") or "alongside-demo"


SERVICES = [
    {
        "slug": "demo-melbourne",
        "name": "Demo Melbourne Trauma EIVR Service",
        "country": "AU",
        "subdivision": "VIC",
        "icd10_modification": "am",
        "occupation_classification": OccupationClassification.ANZSCO,
        "time_zone": "Australia/Melbourne",
    },
    {
        "slug": "demo-leeds",
        "name": "Demo Leeds Major Trauma EIVR Service",
        "country": "GB",
        "subdivision": "ENG",
        "occupation_classification": OccupationClassification.SOC2020,
        "time_zone": "Europe/London",
    },
]

# Phone numbers the regulators keep for drama, so a demo never rings or texts a real
# person: ACMA's (03) 5550 xxxx in Australia, Ofcom's 0113 496 0000–0999 (Leeds) in
# the UK. In E.164, as the services store numbers: (first number, how many there are).
FICTIONAL_PHONES = {"AU": (61_3_5550_0000, 10_000), "GB": (44_113_496_0000, 1_000)}


def fictional_phone(country: str, n: int) -> str:
    """The ``n``-th drama number of the service's country (wrapping round)."""
    first, count = FICTIONAL_PHONES.get(country, FICTIONAL_PHONES["GB"])
    return f"+{first + n % count}"


# (e-mail, full name, [(service slug, role)]) — the sign-ins promised in docs/interface.md.
ACCOUNTS = [
    (
        "admin@demo.example",
        "Alex Admin",
        [("demo-melbourne", Role.ADMIN), ("demo-leeds", Role.ADMIN)],
    ),
    ("therapist@demo.example", "Theo Therapist", [("demo-melbourne", Role.THERAPIST)]),
    ("mentor@demo.example", "Mina Mentor", [("demo-melbourne", Role.MENTOR)]),
    ("patient@demo.example", "Pat Patient", [("demo-melbourne", Role.PATIENT)]),
    ("analyst@demo.example", "Ana Analyst", [("demo-melbourne", Role.ANALYST)]),
    ("outsider@demo.example", "Olly Outsider", [("demo-leeds", Role.THERAPIST)]),
]

# Dotted paths of later apps' steps; each is `def step(ctx: DemoContext) -> None`.
STEPS: list[str] = [
    "alongside.mentors.demo.load",
    "alongside.patients.demo.load",
    "alongside.outcomes.demo.load",
    "alongside.matches.demo.load",
    "alongside.contacts.demo.load",
    "alongside.notifications.demo.load",
    "alongside.evaluation.demo.load",
]


@dataclass
class DemoContext:
    services: dict[str, Service]
    users: dict[str, User]
    rng: random.Random
    scale: str = "small"
    log: Callable[[str], None] = print
    extra: dict[str, object] = field(default_factory=dict)


def demo_reset() -> None:
    """Delete the demo services and everything in them, and the demo accounts.

    Clinical records guard their service (PROTECT/RESTRICT: a real patient must
    never vanish with a service), so the records of demo services are deleted
    first, in whatever order their own guards allow.
    """
    with transaction.atomic():
        demo_services = Service.objects.filter(is_demo=True)
        owned = [
            (model, field.name)
            for model in apps.get_models()
            for field in model._meta.get_fields()
            if getattr(field, "many_to_one", False) and field.related_model is Service
        ]
        for _ in range(len(owned) + 1):
            blocked = False
            for model, field_name in owned:
                rows = model._default_manager.filter(**{f"{field_name}__in": demo_services})
                try:
                    with transaction.atomic():
                        rows.delete()
                except (ProtectedError, RestrictedError):
                    blocked = True
            if not blocked:
                break
        demo_services.delete()
        User.objects.filter(email__endswith="@" + DEMO_DOMAIN).delete()


def demo_load(
    *, scale: str = "small", seed: int = 2024, log: Callable[[str], None] = print
) -> DemoContext:
    services = {spec["slug"]: _service(spec) for spec in SERVICES}
    users = {email: _account(email, name, grants, services) for email, name, grants in ACCOUNTS}
    ctx = DemoContext(services=services, users=users, rng=random.Random(seed), scale=scale, log=log)
    for dotted in STEPS:
        import_string(dotted)(ctx)
    return ctx


def _service(spec: dict[str, str]) -> Service:
    service, _ = Service.objects.get_or_create(
        slug=spec["slug"], defaults={**spec, "is_demo": True}
    )
    return service


def _account(
    email: str, name: str, grants: Sequence[tuple[str, str]], services: dict[str, Service]
) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(email=email, password=demo_password(), full_name=name)
    for slug, role in grants:
        membership_grant(user=user, service=services[slug], role=role)
    return user
