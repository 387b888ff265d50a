"""A Service is one EIVR service at one hospital site; every record belongs to one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from babel import Locale
from django.db import models

from alongside.core.crisis import CrisisNumbers, crisis_numbers
from alongside.core.vocabulary import MentorClockStart  # noqa: F401 - re-exported: the app's name

if TYPE_CHECKING:
    from alongside.accounts.models import User


class OccupationClassification(models.TextChoices):
    ISCO08 = "isco08", "ISCO-08 (international)"
    ANZSCO = "anzsco", "ANZSCO (Australia and New Zealand)"
    SOC2020 = "soc2020", "UK SOC 2020"


class Icd10Modification(models.TextChoices):
    WHO = "who", "WHO ICD-10"
    AM = "am", "ICD-10-AM (Australia)"


class ServiceQuerySet(models.QuerySet["Service"]):
    def visible_to(self, user: User, action: str = "service.view") -> ServiceQuerySet:
        from alongside.accounts import policy

        return self.filter(pk__in=policy.service_ids(user, action))


def country_name(code: str) -> str:
    """A country's English name (CLDR, through Babel); the code itself where unknown."""
    return str(Locale("en").territories.get(code, code))


class Service(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. AU or GB")
    subdivision = models.CharField(
        max_length=10,
        blank=True,
        help_text="State or nation whose public holidays the service keeps, e.g. VIC or ENG",
    )
    icd10_modification = models.CharField(
        max_length=4,
        choices=Icd10Modification.choices,
        default=Icd10Modification.WHO,
        verbose_name="ICD-10 edition",
    )
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
        default=21, help_text="Days from the clock's start to the mentor being introduced"
    )
    mentor_clock_start = models.CharField(
        max_length=12,
        choices=MentorClockStart.choices,
        default=MentorClockStart.ACCEPTANCE,
        verbose_name="Mentor-introduction clock starts",
    )
    supervision_grace_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days supervision may be overdue before new matches stop"
    )
    # Crisis and support: blank means the country's default (alongside.core.crisis).
    emergency_number = models.CharField(
        max_length=20,
        blank=True,
        help_text="Leave empty for your country's default (AU 000, GB 999)",
    )
    crisis_line = models.CharField(
        max_length=100,
        blank=True,
        help_text="Name and number, e.g. Lifeline 13 11 14. Leave empty for your country's default",
    )
    duty_phone = models.CharField(
        max_length=30, blank=True, help_text="The supervising therapists' phone, shown to mentors"
    )
    support_resources = models.TextField(
        blank=True,
        max_length=1000,
        help_text="Shown to a mentor after a low well-being check-in: EAP, peer support, "
        "who to call",
    )
    crisis_escalation_minutes = models.PositiveSmallIntegerField(
        default=60,
        help_text="Minutes an unacknowledged risk concern waits before managers are told",
    )
    import_day_first = models.BooleanField(
        default=False,
        help_text="Referral lists write dates as day/month/year (03/04/1987 is 3 April)",
    )
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def crisis_numbers(self) -> CrisisNumbers:
        return crisis_numbers(self.country, self.emergency_number, self.crisis_line)

    @property
    def country_name(self) -> str:
        return country_name(self.country)


class ServiceScopedQuerySet(models.QuerySet[Any]):
    """Base for every queryset of records that belong to a service.

    ``visible_to`` is the only way views read service data: it keeps the rows
    of the services where the user's role allows ``action`` (accounts.policy).
    """

    def visible_to(self, user: User, action: str) -> Self:
        from alongside.accounts import policy

        return self.filter(service_id__in=policy.service_ids(user, action))


class ClosureDay(models.Model):
    """A day the service is closed beyond the public holidays (e.g. between Christmas
    and New Year): it is not a working day for the service's targets."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="closure_days")
    on = models.DateField()
    reason = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["on"]
        constraints = [
            models.UniqueConstraint(fields=["service", "on"], name="one_closure_per_service_day")
        ]

    def __str__(self) -> str:
        return f"{self.service} closed on {self.on}"
