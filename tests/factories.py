"""Factories for the records every test needs. Apps add theirs in their own test folders."""

from __future__ import annotations

import factory

from alongside.accounts.models import Membership, Role, User
from alongside.accounts.policy import SYSTEM
from alongside.audit.models import AuditChainHead
from alongside.audit.services import audit_record
from alongside.organisations.models import Service

# tests/audit turns this off: its tests watch chains being opened by their own events.
OPEN_AUDIT_CHAINS = True


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    country = "AU"
    occupation_classification = "anzsco"
    time_zone = "Australia/Melbourne"

    @factory.post_generation
    def audit_chain(self, create: bool, extracted: object, **kwargs: object) -> None:
        # As ``service_create`` does: the service's first audit event opens its chain, so
        # a test's first audited request costs what every later one does.
        opened = AuditChainHead.objects.filter(chain=self.pk).exists()
        if create and OPEN_AUDIT_CHAINS and not opened:
            audit_record(actor=SYSTEM, action="service.create", target=self)


class UserFactory(factory.django.DjangoModelFactory):
    """Users without a usable password: hashing with Argon2 is slow and most
    tests sign in with force_login. Pass ``password=`` where a test needs one."""

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Faker("name")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    role = Role.THERAPIST
