"""Mentoring contacts, concerns raised from them, engagement settings and end-of-match surveys.

A Contact belongs to one Match (and carries the match's service, so every
list is one indexed, service-scoped query). Editing a contact keeps the old
values in a ContactRevision. A Concern hangs off a contact and reaches the
supervising therapist at once (contacts.services.concern_raise).

Who sees what (see docs/contacts.md): the clinical team of the service sees
contacts and concerns; a mentor sees the contacts of their own matches and the
concerns they raised; the *reflection* is for the mentor and their supervisor
only; patients see none of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from alongside.audit.reads import AuditedQuerySet
from alongside.core import text_limits
from alongside.core.engagement import Thresholds
from alongside.core.vocabulary import LoggedContactMode
from alongside.field_encryption import EncryptedTextField
from alongside.organisations.models import ServiceScopedQuerySet

if TYPE_CHECKING:
    from alongside.accounts.models import User

MAX_DURATION_MINUTES = 720  # twelve hours

DEFAULT_TOPICS = [
    "Hope and recovery",
    "Returning to work",
    "Talking to the employer",
    "Benefits and money",
    "Adapting the job",
    "Equipment and access",
    "Emotions",
    "Family",
    "Other",
]


def default_topics() -> list[str]:
    return list(DEFAULT_TOPICS)


class EngagementSettings(models.Model):
    """A service's contact promises and its list of contact topics."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="engagement_settings"
    )
    first_contact_days = models.PositiveSmallIntegerField(
        default=7, help_text="Days from the match starting to the mentor's first contact"
    )
    check_in_after_days = models.PositiveSmallIntegerField(
        default=14, help_text="Days without contact before the pair needs a check-in"
    )
    quiet_after_days = models.PositiveSmallIntegerField(
        default=21, help_text="Days without contact before the pair counts as quiet"
    )
    topics = models.JSONField(default=default_topics)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "engagement settings"

    def __str__(self) -> str:
        return f"Engagement settings of {self.service}"

    @property
    def thresholds(self) -> Thresholds:
        return Thresholds(
            first_contact_days=self.first_contact_days,
            check_in_after_days=self.check_in_after_days,
            quiet_after_days=self.quiet_after_days,
        )


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class ContactQuerySet(AuditedQuerySet, ServiceScopedQuerySet):  # type: ignore[override]
    def visible_to(self, user: User, action: str = "contact.view") -> ContactQuerySet:
        """Contacts of the services where ``action`` is allowed, plus a mentor's own pairs."""
        from alongside.accounts import policy

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(service_id__in=policy.service_ids(user, action))
            | Q(
                match__mentor__user=user,
                service_id__in=policy.service_ids(user, "contact.own"),
            )
        )


class Contact(models.Model):
    match = models.ForeignKey("matches.Match", on_delete=models.CASCADE, related_name="contacts")
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="contacts"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contact_at = models.DateTimeField()
    mode = models.CharField(max_length=16, choices=LoggedContactMode.choices)
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    topics = models.JSONField(default=list, blank=True)
    reflection = EncryptedTextField(
        blank=True,
        max_length=text_limits.NARRATIVE,
        help_text="For the mentor and their supervisor only; never the patient",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-contact_at", "-pk"]
        indexes = [
            models.Index(fields=["match", "contact_at"]),
            models.Index(fields=["service", "contact_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1, duration_minutes__lte=MAX_DURATION_MINUTES),
                name="contact_duration_1_720",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_mode_display()} on {self.contact_at:%Y-%m-%d}"


class ContactRevision(models.Model):
    """The values a contact had before an edit: edits never lose what was first written."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="revisions")
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revised_at = models.DateTimeField(auto_now_add=True)
    fields = models.JSONField(default=list)
    before = models.JSONField(default=dict)

    class Meta:
        ordering = ["-revised_at", "-pk"]
        indexes = [models.Index(fields=["contact", "revised_at"])]

    def __str__(self) -> str:
        return f"Revision of contact {self.contact_id}"


class ConcernKind(models.TextChoices):
    RISK_TO_SELF = "risk_to_self", "Risk to self"
    RISK_TO_OTHERS = "risk_to_others", "Risk to others"
    SAFEGUARDING = "safeguarding", "Safeguarding"
    HEALTH_CHANGE = "health_change", "Change in health"
    BOUNDARY = "boundary", "Boundary issue"
    MENTOR_DISTRESS = "mentor_distress", "I am upset by this contact (mentor distress)"


class ConcernStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    CLOSED = "closed", "Closed"


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class ConcernQuerySet(AuditedQuerySet, ServiceScopedQuerySet):  # type: ignore[override]
    def visible_to(self, user: User, action: str = "concern.manage") -> ConcernQuerySet:
        """The clinical team's concerns, plus the ones a mentor raised themselves."""
        from alongside.accounts import policy

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(service_id__in=policy.service_ids(user, action))
            | Q(raised_by=user, service_id__in=policy.service_ids(user, "contact.own"))
        )


class Concern(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="concerns")
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="concerns"
    )
    kind = models.CharField(max_length=16, choices=ConcernKind.choices)
    description = models.TextField(max_length=text_limits.NARRATIVE)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    # Who was told at once (the mentor's supervisor, else the patient's therapist, else managers).
    notified = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField(
        max_length=12, choices=ConcernStatus.choices, default=ConcernStatus.OPEN
    )
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True, max_length=text_limits.NARRATIVE)
    # A mentor-distress concern asks the supervisor for a debrief (see docs/contacts.md).
    debrief_needed = models.BooleanField(default=False)
    debrief_on = models.DateField(null=True, blank=True)

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        indexes = [
            models.Index(fields=["service", "status", "raised_at"]),
            models.Index(fields=["raised_by", "raised_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(description=""), name="concern_has_description"),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(action_taken=""),
                name="closed_concern_has_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class SurveyRole(models.TextChoices):
    PATIENT = "patient", "Patient"
    MENTOR = "mentor", "Mentor"


class SurveyResponse(models.Model):
    """The short, optional end-of-match survey, one per person per match."""

    match = models.ForeignKey(
        "matches.Match", on_delete=models.CASCADE, related_name="survey_responses"
    )
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="survey_responses"
    )
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    role = models.CharField(max_length=8, choices=SurveyRole.choices)
    usefulness = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField()
    what_helped = models.TextField(blank=True, max_length=text_limits.NOTE)
    could_be_better = models.TextField(blank=True, max_length=text_limits.NOTE)
    submitted_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["match", "role"], name="one_survey_per_side"),
            models.CheckConstraint(
                condition=Q(usefulness__gte=1, usefulness__lte=5), name="survey_usefulness_1_5"
            ),
        ]
        indexes = [models.Index(fields=["service", "submitted_at"])]

    def __str__(self) -> str:
        return f"Survey of match {self.match_id} ({self.role})"
