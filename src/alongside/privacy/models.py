"""Retention settings per service, and erasures (proposed by the retention sweep or asked for).

An erasure names its subject by type and id, not by foreign key: after it is carried
out the subject row still exists (anonymised, so counts survive), and the erasure must
outlive any later deletion of it, as audit rows do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from alongside.organisations.models import ServiceScopedQuerySet

# What each retention setting may be: (lowest, highest, the message naming the range).
RETENTION_LIMITS = {
    "patient_years": (1, 100, "Enter a number of years from 1 to 100."),
    "child_until_age": (18, 100, "Enter an age from 18 to 100."),
    "mentor_years": (1, 100, "Enter a number of years from 1 to 100."),
}


class RetentionSettings(models.Model):
    """How long a service keeps records after their natural end, before anonymising them."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="retention_settings"
    )
    patient_years = models.PositiveSmallIntegerField(
        default=7, help_text="Years after discharge an adult patient's record is kept"
    )
    child_until_age = models.PositiveSmallIntegerField(
        default=25,
        help_text="A patient under 18 at discharge is kept at least until this birthday",
    )
    mentor_years = models.PositiveSmallIntegerField(
        default=6, help_text="Years after a mentor retires or is declined"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"retention for service {self.service_id}"


class SubjectType(models.TextChoices):
    PATIENT = "patient", "Patient"
    MENTOR = "mentor", "Mentor"


def subject_model(subject_type: str) -> type[models.Model]:
    """The model of an erasure's subject (looked up by label: privacy sits below both)."""
    from django.apps import apps

    label = {SubjectType.PATIENT: "patients.Patient", SubjectType.MENTOR: "mentors.Mentor"}
    return apps.get_model(label[SubjectType(subject_type)])


class ErasureGround(models.TextChoices):
    RETENTION = "retention", "Past its retention period"
    REQUEST = "request", "The person asked"


class ErasureStatus(models.TextChoices):
    PROPOSED = "proposed", "Waiting for confirmation"
    DONE = "done", "Anonymised"
    DISMISSED = "dismissed", "Kept (not erased)"


class Erasure(models.Model):
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="erasures"
    )
    subject_type = models.CharField(max_length=10, choices=SubjectType.choices)
    subject_id = models.BigIntegerField()
    # A label the manager can recognise on the confirmation page; emptied when done.
    subject_label = models.CharField(max_length=210, blank=True)
    ground = models.CharField(max_length=10, choices=ErasureGround.choices)
    reason = models.CharField(max_length=300, blank=True)
    # Which registered source proposed it (patients, mentors, or another app's).
    source = models.CharField(max_length=60, blank=True)
    due_since = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ErasureStatus.choices, default=ErasureStatus.PROPOSED
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Rows changed per table, and audit events redacted: what the erasure did, no values.
    summary = models.JSONField(default=dict, blank=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(status="proposed"),
                name="one_open_erasure_per_subject",
            )
        ]

    def __str__(self) -> str:
        return f"erasure of {self.subject_type} {self.subject_id} ({self.status})"
