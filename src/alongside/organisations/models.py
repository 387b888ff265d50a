"""A Service is one EIVR service at one hospital site; every record belongs to one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models

if TYPE_CHECKING:
    from alongside.accounts.models import User


class OccupationClassification(models.TextChoices):
    ISCO08 = "isco08", "ISCO-08 (international)"
    ANZSCO = "anzsco", "ANZSCO (Australia and New Zealand)"
    SOC2020 = "soc2020", "UK SOC 2020"


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to(self, user: User, action: str = "service.view") -> ServiceQuerySet:
        from alongside.accounts import policy

        return self.filter(pk__in=policy.service_ids(user, action))


class Service(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. AU or GB")
    occupation_classification = models.CharField(
        max_length=10,
        choices=OccupationClassification.choices,
        default=OccupationClassification.ISCO08,
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    # Early-intervention targets: the service's promise of how soon things happen.
    first_therapist_contact_days = models.PositiveSmallIntegerField(
        default=5, help_text="Working days from referral to first therapist contact"
    )
    mentor_introduced_days = models.PositiveSmallIntegerField(
        default=21, help_text="Days from acceptance to the mentor being introduced"
    )
    supervision_grace_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days supervision may be overdue before new matches stop"
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceScopedQuerySet(models.QuerySet[Any]):
    """Base for every queryset of records that belong to a service.

    ``visible_to`` is the only way views read service data: it keeps the rows
    of the services where the user's role allows ``action`` (accounts.policy).
    """

    def visible_to(self, user: User, action: str) -> ServiceScopedQuerySet:
        from alongside.accounts import policy

        return self.filter(service_id__in=policy.service_ids(user, action))
