"""The seven personas every access test speaks of, defined once.

``home`` is the service the personas work in; ``other`` is a second service
whose only member is the outsider (a therapist there), so anything of ``home``
must be invisible (404) to the outsider. ``world.colleague`` is an eighth, a second
therapist in ``home``, for the tests about "the same service, not their case".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.accounts import policy
from alongside.accounts.models import Role, User
from alongside.accounts.services import api_token_issue
from alongside.organisations.models import Service
from tests.factories import MembershipFactory, ServiceFactory, UserFactory

PERSONAS = ("anonymous", "admin", "therapist", "mentor", "patient", "analyst", "outsider")
SIGNED_IN = PERSONAS[1:]


@dataclass
class World:
    home: Service
    other: Service
    people: dict[str, User]
    # Objects that access rows create, cached so one row can reuse another's.
    objects: dict[str, Any] = field(default_factory=dict)

    @property
    def colleague(self) -> User:
        """A second therapist in ``home``: sees the service's records, but is neither the
        patient's therapist nor the mentor's supervisor. Made when a test first asks, so
        worlds without one keep the clinical team the other tests count on."""
        if "colleague" not in self.people:
            self.people["colleague"] = MembershipFactory(
                user=UserFactory(email="colleague@test.example"),
                service=self.home,
                role=Role.THERAPIST,
            ).user
        return self.people["colleague"]

    def person(self, persona: str) -> User:
        return self.colleague if persona == "colleague" else self.people[persona]

    def client_for(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            sign_in(client, self.person(persona))
        return client

    def token_for(self, persona: str) -> str | None:
        if persona == "anonymous":
            return None
        _, secret = api_token_issue(user=self.person(persona), name="test")
        return secret


def sign_in(client: Client, user: User) -> None:
    """Sign in fully, including the second factor for staff roles."""
    client.force_login(user)
    if policy.needs_second_factor(user):
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def _persona_user(persona: str) -> User:
    # A name no record factory makes: the header shows the signed-in person's name,
    # and a random one could equal a patient's, which the read-audit probe would take
    # for that patient being shown (it happened once in CI: "Amanda Ross").
    return UserFactory(email=f"{persona}@test.example", full_name=f"{persona.title()} Persona")


def build_world() -> World:
    home = ServiceFactory(slug="home-service", name="Home Service")
    other = ServiceFactory(
        slug="other-service",
        name="Other Service",
        country="GB",
        occupation_classification="soc2020",
        time_zone="Europe/London",
    )
    people: dict[str, User] = {}
    for persona, role in (
        ("admin", Role.ADMIN),
        ("therapist", Role.THERAPIST),
        ("mentor", Role.MENTOR),
        ("patient", Role.PATIENT),
        ("analyst", Role.ANALYST),
    ):
        people[persona] = MembershipFactory(
            user=_persona_user(persona), service=home, role=role
        ).user
    people["outsider"] = MembershipFactory(
        user=_persona_user("outsider"), service=other, role=Role.THERAPIST
    ).user
    return World(home=home, other=other, people=people)
