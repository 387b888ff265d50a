"""Questionnaires over time: a service's schedule, what each patient has due, the
one-time links patients answer from, and the answers themselves.

Answers are immutable: a correction is a new response that supersedes the old
one, with a reason; the old answers stay (no longer current) for the audit trail.
Scores are worked out once, by ``alongside.core.instruments.score``, when the
answers are recorded, and stored beside them with the instrument's version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from alongside.audit.reads import AuditedQuerySet
from alongside.core import text_limits
from alongside.organisations.models import ServiceScopedQuerySet
from alongside.patients.models import Patient

if TYPE_CHECKING:
    from alongside.core.instruments.scoring import Score


class Anchor(models.TextChoices):
    ACCEPTED = "accepted", "Accepted into the service"
    INJURY = "injury", "Date of injury"


# A time point's label is the staff's word (the trial's); patients see a plain one.
PATIENT_TIME_POINT_LABELS = {"Baseline": "At the start"}


class TimePoint(models.Model):
    """When a service asks its patients which questionnaires (e.g. 3 months after injury)."""

    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="time_points"
    )
    label = models.CharField(max_length=60)
    anchor = models.CharField(max_length=10, choices=Anchor.choices)
    offset_days = models.PositiveIntegerField(help_text="Days after the anchor date")
    window_days = models.PositiveSmallIntegerField(
        default=14, help_text="Answers count for this time point this many days either side"
    )
    instruments = models.JSONField(default=list, help_text="Instrument ids, e.g. phq9")
    active = models.BooleanField(default=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["service", "anchor", "offset_days"]
        constraints = [
            models.UniqueConstraint(fields=["service", "label"], name="one_time_point_per_label")
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.service})"

    @property
    def patient_label(self) -> str:
        """The label as a patient reads it: "At the start", not "Baseline"."""
        return PATIENT_TIME_POINT_LABELS.get(self.label, self.label)


class OutcomeSettings(models.Model):
    """A service's definition of a sustained return to work (the trial's by default)."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="outcome_settings"
    )
    sustained_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
        help_text="Consecutive weeks at work that make a return sustained",
    )
    sustained_percent = models.PositiveSmallIntegerField(
        default=80,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Share of the hours worked before the injury, in per cent",
    )

    def __str__(self) -> str:
        return f"sustained RTW: {self.sustained_weeks} weeks at {self.sustained_percent} %"


class DueStatus(models.TextChoices):
    DUE = "due", "Due"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Not needed"


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class _OfPatientQuerySet(AuditedQuerySet, ServiceScopedQuerySet):  # type: ignore[override]
    """Records that belong to a service through their patient."""

    def visible_to(self, user, action):  # type: ignore[no-untyped-def]
        from alongside.accounts import policy

        return self.filter(patient__service_id__in=policy.service_ids(user, action))


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class QuestionnaireDueQuerySet(_OfPatientQuerySet):  # type: ignore[override]
    def own(self, user) -> QuestionnaireDueQuerySet:  # type: ignore[no-untyped-def]
        from alongside.accounts import policy

        return self.filter(
            patient__user=user, patient__service_id__in=policy.service_ids(user, "outcome.own")
        )


class QuestionnaireDue(models.Model):
    """One instrument a patient is asked to answer at one time point."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="questionnaires")
    time_point = models.ForeignKey(TimePoint, on_delete=models.PROTECT, related_name="dues")
    instrument_id = models.CharField(max_length=40)
    due_on = models.DateField()
    window_opens = models.DateField()
    window_closes = models.DateField()
    status = models.CharField(max_length=10, choices=DueStatus.choices, default=DueStatus.DUE)
    invited_at = models.DateTimeField(null=True, blank=True)
    # Answers saved to finish later (not a response: nothing is scored or shown until sent).
    draft_answers = models.JSONField(null=True, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QuestionnaireDueQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "time_point", "instrument_id"], name="one_due_per_time_point"
            )
        ]
        indexes = [models.Index(fields=["status", "window_opens"])]

    def __str__(self) -> str:
        return f"{self.instrument_id} due {self.due_on}"

    @property
    def service_id(self) -> int:
        return self.patient.service_id


class InstrumentLicence(models.Model):
    """A service's record that it holds the licence for an instrument, with its item text.

    Licensed instruments ship without their items; a service manager enables one by
    recording the licence and pasting the items from the licensed form.
    """

    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="instrument_licences"
    )
    instrument_id = models.CharField(max_length=40)
    licence = models.CharField(
        max_length=text_limits.REASON, help_text="Who granted it, the reference and its terms"
    )
    item_texts = models.JSONField(help_text="The licensed text of each item, in item order")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["service", "instrument_id"], name="one_licence_per_instrument"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} licence for {self.service}"


class QuestionnaireLink(models.Model):
    """A one-time, expiring link to answer one questionnaire without signing in.

    Only the SHA-256 of the token is stored; the token itself is shown or sent once.
    """

    due = models.ForeignKey(QuestionnaireDue, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"link for {self.due}"

    @property
    def service_id(self) -> int:
        return self.due.patient.service_id


class EntryMode(models.TextChoices):
    LINK = "link", "Patient, from a link"
    SIGNED_IN = "signed_in", "Patient, signed in"
    STAFF = "staff", "Staff, on the patient's behalf"


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class ResponseQuerySet(_OfPatientQuerySet):  # type: ignore[override]
    def current(self) -> ResponseQuerySet:
        return self.filter(is_current=True)


def score_fields(result: Score) -> dict[str, Any]:
    """A score as a response row stores it (the service and both demo generators)."""
    return {
        "instrument_version": result.version,
        "total": result.total,
        "band": result.band or "",
        "valid": result.valid,
        "missing": result.missing,
        "prorated": result.prorated,
        "subscales": {key: sub.as_dict() for key, sub in result.subscales.items()},
        "alerts": list(result.alerts),
    }


class QuestionnaireResponse(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="responses")
    due = models.ForeignKey(
        QuestionnaireDue, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    instrument_id = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField(help_text="Item values in item order; null = not answered")
    total = models.FloatField(null=True, blank=True)
    band = models.CharField(max_length=60, blank=True)
    valid = models.BooleanField()
    missing = models.PositiveSmallIntegerField(default=0)
    prorated = models.BooleanField(default=False)
    subscales = models.JSONField(default=dict, blank=True)
    alerts = models.JSONField(default=list, blank=True, help_text="Items at their alert level")
    completed_on = models.DateField()
    submitted_at = models.DateTimeField(auto_now_add=True)
    mode = models.CharField(max_length=10, choices=EntryMode.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_current = models.BooleanField(default=True)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )
    correction_reason = models.CharField(max_length=text_limits.REASON, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["completed_on", "pk"]
        indexes = [models.Index(fields=["patient", "instrument_id", "completed_on"])]
        constraints = [
            # A questionnaire answered once has one current response; a second submit is refused.
            models.UniqueConstraint(
                fields=["due"],
                condition=Q(is_current=True, due__isnull=False),
                name="one_current_response_per_due",
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} on {self.completed_on}: {self.total}"

    @property
    def service_id(self) -> int:
        return self.patient.service_id
