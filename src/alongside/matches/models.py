"""Matches between a patient and a peer mentor, and each service's matching weights.

A match moves proposed → patient agreed → mentor accepted → active → ended,
or stops at declined. Every move is made by ``matches.services`` under a lock
on the mentor row; nothing here has business logic.

*Open* statuses (proposed, patient agreed, mentor accepted, active) each hold
one of the mentor's places and are the patient's one current match: a patient
never has two open matches (database constraint ``one_open_match_per_patient``).
Holding the place from the proposal on is what lets concurrent proposals and a
batch run never overfill a mentor, and stops two mentors both accepting the
same patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from alongside.audit.reads import AuditedQuerySet
from alongside.core import text_limits
from alongside.organisations.models import ServiceScopedQuerySet

if TYPE_CHECKING:
    from alongside.accounts.models import User


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    PATIENT_AGREED = "patient_agreed", "Patient agreed"
    MENTOR_ACCEPTED = "mentor_accepted", "Mentor accepted"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    ENDED = "ended", "Ended"


# A match in one of these holds a mentor's place and is the patient's current match.
OPEN_STATUSES = (
    MatchStatus.PROPOSED,
    MatchStatus.PATIENT_AGREED,
    MatchStatus.MENTOR_ACCEPTED,
    MatchStatus.ACTIVE,
)
# A match that was tried and stopped: the pair is not proposed again unless overridden.
CLOSED_STATUSES = (MatchStatus.DECLINED, MatchStatus.ENDED)


class EndReason(models.TextChoices):
    GOALS_MET = "goals_met", "Goals met"
    PATIENT_WITHDREW = "patient_withdrew", "Patient withdrew"
    MENTOR_UNAVAILABLE = "mentor_unavailable", "Mentor unavailable"
    NO_CONTACT = "no_contact", "No contact"
    OTHER = "other", "Other"


class DeclinedBy(models.TextChoices):
    PATIENT = "patient", "Patient"
    MENTOR = "mentor", "Mentor"
    THERAPIST = "therapist", "Therapist (withdrawn)"
    SYSTEM = "system", "Consent withdrawn"


class ProposalSource(models.TextChoices):
    RANKED = "ranked", "Find a mentor"
    BATCH = "batch", "Batch run"


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class MatchQuerySet(AuditedQuerySet, ServiceScopedQuerySet):  # type: ignore[override]
    def visible_to(self, user: User, action: str = "match.manage") -> MatchQuerySet:
        """Matches of the services where ``action`` is allowed (clinical team).

        A mentor's or patient's own matches are read through ``for_mentor_user``
        and ``for_patient_user`` (matches.selectors), never through here.
        """
        return super().visible_to(user, action)

    def open(self) -> MatchQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Match(models.Model):
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="matches"
    )
    # RESTRICT: a patient or mentor with match history is not deleted on its own,
    # but goes when its whole service is deleted (the service cascades here too).
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.RESTRICT, related_name="matches"
    )
    mentor = models.ForeignKey("mentors.Mentor", on_delete=models.RESTRICT, related_name="matches")
    status = models.CharField(
        max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )

    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    source = models.CharField(
        max_length=8, choices=ProposalSource.choices, default=ProposalSource.RANKED
    )
    # Snapshot of the score when proposed: what the therapist saw, kept for the
    # engagement report even after profiles or weights change.
    score = models.FloatField(default=0.0)
    criterion_scores = models.JSONField(
        default=dict, blank=True, help_text="Criterion name -> score in [0, 1], or null"
    )
    reasons = models.JSONField(default=list, blank=True, help_text="Plain-words reasons")
    weights = models.JSONField(default=dict, blank=True, help_text="Weights used")
    override_repeat = models.BooleanField(
        default=False, help_text="Proposed again after an earlier declined or ended match"
    )

    patient_agreed_at = models.DateTimeField(null=True, blank=True)
    mentor_responded_at = models.DateTimeField(null=True, blank=True)
    declined_by = models.CharField(max_length=10, choices=DeclinedBy.choices, blank=True)
    decline_reason = models.TextField(blank=True, max_length=text_limits.REASON)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=20, choices=EndReason.choices, blank=True)
    end_note = models.TextField(blank=True, max_length=text_limits.REASON)

    # Set when the mentor stops being available (paused, checks expired):
    # the therapist reviews the match.
    needs_review = models.BooleanField(default=False)
    review_reason = models.CharField(max_length=300, blank=True)

    updated_at = models.DateTimeField(auto_now=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="one_open_match_per_patient",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0.0, score__lte=1.0), name="match_score_0_1"
            ),
            models.CheckConstraint(
                condition=~Q(status="ended") | ~Q(end_reason=""), name="ended_match_has_reason"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["patient", "status"]),
            models.Index(fields=["service", "needs_review"]),
            models.Index(fields=["service", "proposed_at"]),
        ]

    def __str__(self) -> str:
        return f"Match #{self.pk} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class MatchingWeights(models.Model):
    """How much each similarity criterion counts in a service (see core Weights)."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="matching_weights"
    )
    injury = models.FloatField(default=3.0)
    work = models.FloatField(default=3.0)
    age = models.FloatField(default=1.0)
    place = models.FloatField(default=1.0)
    language = models.FloatField(default=1.0)
    availability = models.FloatField(default=1.0)
    modes = models.FloatField(default=1.0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "matching weights"
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    injury__gte=0,
                    work__gte=0,
                    age__gte=0,
                    place__gte=0,
                    language__gte=0,
                    availability__gte=0,
                    modes__gte=0,
                ),
                name="matching_weights_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"Matching weights of {self.service}"


class BatchPlanStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the task worker"
    RUNNING = "running", "Planning"
    DONE = "done", "Plan ready"
    FAILED = "failed", "Could not plan"


class BatchPlanJob(models.Model):
    """One batch run planned in the task worker: scoring a whole waiting list against a
    service's pool takes seconds at a large service, too long for a web request. The
    result is ids only; the page reads the people again (scoped and audited) to show it.
    Publishing checks every pair again, so a plan that has gone stale can do no harm."""

    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="batch_plans"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=BatchPlanStatus.choices, default=BatchPlanStatus.QUEUED
    )
    step = models.CharField(max_length=120, blank=True, help_text="what the planner is doing")
    waiting_count = models.PositiveIntegerField(default=0)
    # [[patient id, mentor id, score], ...], best first; and the patient ids left over.
    pairs = models.JSONField(default=list, blank=True)
    unmatched = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["service", "requested_by", "created_at"])]

    def __str__(self) -> str:
        return f"Batch plan {self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (BatchPlanStatus.QUEUED, BatchPlanStatus.RUNNING)
