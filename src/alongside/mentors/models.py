"""Peer mentors and what it takes to keep them safe to match.

A Mentor belongs to one service. Its selection (criteria results, checks,
training) and its supervision are child records. Three *compliance dates* on
the Mentor row (``checks_valid_until``, ``training_valid_until``,
``supervision_due_on``) are recomputed by ``mentors.services`` whenever a child
record or a service rule changes, so that "who may be matched today" is one
indexed query (``Mentor.objects.matchable(today)``) at national scale.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from alongside.audit.reads import AuditedQuerySet
from alongside.core import text_limits
from alongside.core.mentor_programme import MATCHABILITY_CONDITIONS, MAX_CAPACITY
from alongside.core.vocabulary import (  # noqa: F401 - re-exported: the app's names for them
    AmputationLaterality,
    CheckKind,
    ContactMode,
    EmploymentType,
    Gender,
    InjuryCategory,
    JobDemands,
    Mechanism,
    MentorStatus,
    RtwEmployer,
)
from alongside.organisations.models import ServiceScopedQuerySet

if TYPE_CHECKING:
    from alongside.accounts.models import User


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class MentorQuerySet(AuditedQuerySet, ServiceScopedQuerySet):  # type: ignore[override]
    def visible_to(self, user: User, action: str = "mentor.view") -> MentorQuerySet:
        """Mentors of the services where ``action`` is allowed (staff reads).

        A mentor's own record is read through ``own()``, never through here.
        """
        return super().visible_to(user, action)

    def own(self, user: User) -> MentorQuerySet:
        """The signed-in person's own mentor record(s), one per service they mentor in."""
        from alongside.accounts import policy

        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user, service_id__in=policy.service_ids(user, "mentor.view_own"))

    def with_places_free(self) -> MentorQuerySet:
        return self.annotate(places_free=F("capacity") - F("mentee_count"))

    def matchable(self, today: dt.date) -> MentorQuerySet:
        """Mentors who may take a *new* mentee today (see docs/mentors.md): one filter
        per condition of ``core.mentor_programme.matchability``, which states the rule."""
        from alongside.organisations.models import Service

        graces = sorted(set(Service.objects.values_list("supervision_grace_days", flat=True)))
        supervision_ok = Q(supervision_due_on__isnull=True)
        for grace in graces:
            supervision_ok |= Q(
                service__supervision_grace_days=grace,
                supervision_due_on__gte=today - dt.timedelta(days=grace),
            )
        conditions = {
            "active": Q(status=MentorStatus.ACTIVE),
            "capacity": Q(capacity__gt=F("mentee_count")),
            "checks": Q(checks_valid_until__gte=today),
            "training": Q(training_valid_until__gte=today),
            "supervision": supervision_ok,
            "wellbeing": Q(wellbeing_hold_since__isnull=True),
        }
        if tuple(conditions) != MATCHABILITY_CONDITIONS:
            # A condition added to the rule without its filter would let the queryset
            # and the rule disagree without anyone seeing it.
            raise RuntimeError("Mentor.objects.matchable() lacks a filter for a condition")
        return self.filter(*conditions.values())


class Mentor(models.Model):
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="mentors"
    )
    # The mentor's sign-in, linked once they are active (a mentor may mentor in several services).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentor_records",
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField(blank=True)
    phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="A number without + is read as one of the service's country",
    )

    status = models.CharField(
        max_length=12, choices=MentorStatus.choices, default=MentorStatus.ENQUIRY
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    decline_reason = models.TextField(blank=True, max_length=text_limits.REASON)
    paused_reason = models.TextField(blank=True, max_length=text_limits.REASON)

    # Lived experience.
    injury_category = models.CharField(max_length=12, choices=InjuryCategory.choices)
    icd10_codes = models.JSONField(default=list, blank=True)
    sci_level = models.CharField(max_length=3, blank=True)
    asia_grade = models.CharField(max_length=1, blank=True)
    tbi_severity = models.CharField(max_length=10, blank=True)
    amputation_site = models.CharField(max_length=20, blank=True)
    amputation_laterality = models.CharField(
        max_length=10, choices=AmputationLaterality.choices, blank=True
    )
    mechanism = models.CharField(
        "cause of injury", max_length=20, choices=Mechanism.choices, blank=True
    )
    date_of_injury = models.DateField(null=True, blank=True)

    # Work story, coded in the service's occupation classification.
    occupation_code = models.CharField(max_length=10, blank=True)
    industry = models.CharField(max_length=120, blank=True)
    employment_type = models.CharField(max_length=16, choices=EmploymentType.choices, blank=True)
    job_demands = models.CharField(max_length=10, choices=JobDemands.choices, blank=True)
    returned_to_work_on = models.DateField(null=True, blank=True)
    rtw_story = models.TextField(blank=True, max_length=text_limits.NARRATIVE)
    # The job they went back to: matched against the patient's job like the one before injury.
    rtw_occupation_code = models.CharField(
        "job after injury",
        max_length=10,
        blank=True,
        help_text="In the service's occupation classification",
    )
    rtw_employer = models.CharField(
        "went back to", max_length=16, choices=RtwEmployer.choices, blank=True
    )
    rtw_adjustments = models.CharField(
        "adjustments at work",
        max_length=200,
        blank=True,
        help_text="For example: reduced hours at first, no ladder work, a ramp",
    )
    # Topics the mentor prefers not to discuss; shown to the therapist choosing a mentor.
    topics_to_avoid = models.JSONField(default=list, blank=True)

    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, blank=True)
    languages = models.JSONField(default=list, blank=True)
    postcode = models.CharField(
        max_length=12, blank=True, help_text="In the format of the service's country"
    )
    region = models.CharField(max_length=120, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    travel_radius_km = models.PositiveSmallIntegerField(default=20)
    contact_modes = models.JSONField(default=list, blank=True)
    availability = models.JSONField(
        default=list, blank=True
    )  # weekly slots: "mon-am", "tue-pm", ...
    capacity = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(0), MaxValueValidator(MAX_CAPACITY)]
    )
    willing_categories = models.JSONField(default=list, blank=True)

    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_mentors",
    )
    supervision_every_weeks = models.PositiveSmallIntegerField(
        default=4, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )

    # Kept by the matching work (under select_for_update on this row) when a
    # match starts or ends, so "capacity left" needs no join.
    mentee_count = models.PositiveSmallIntegerField(default=0)

    # Compliance dates, recomputed by mentors.services (see module docstring).
    # None means "not valid at all" (no clear check / required training missing).
    checks_valid_until = models.DateField(null=True, blank=True)
    training_valid_until = models.DateField(null=True, blank=True)
    supervision_due_on = models.DateField(null=True, blank=True)
    # Set while a flagged check-in, a mentor-distress concern or a debrief request waits
    # for the supervisor (``core.mentor_programme.wellbeing_hold_since``): no new mentees.
    wellbeing_hold_since = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["service", "status"]),
            models.Index(fields=["service", "injury_category"]),
            models.Index(fields=["service", "supervision_due_on"]),
            models.Index(fields=["service", "checks_valid_until"]),
            models.Index(fields=["service", "last_name", "first_name"]),
            models.Index(fields=["status", "checks_valid_until", "training_valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=0, capacity__lte=MAX_CAPACITY),
                name="mentor_capacity_0_20",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def capacity_left(self) -> int:
        return max(0, self.capacity - self.mentee_count)


class MentorProfileChange(models.Model):
    """A change a mentor made to their own profile (mentors.services.mentor_update_own), in
    plain words, for the supervisor's page: "changed by the mentor on …". Each item of
    ``changes``: field, label, before, after, matters_for_matching (core.mentor_programme)."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="profile_changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changes = models.JSONField(default=list)
    matters_for_matching = models.BooleanField(default=False)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["mentor", "-changed_at"])]

    def __str__(self) -> str:
        return f"Profile change by {self.mentor} on {self.changed_at:%Y-%m-%d}"


class CriterionKind(models.TextChoices):
    RECORDED = "recorded", "Recorded by a therapist"
    MONTHS_SINCE_INJURY = "months_since_injury", "Months since injury (worked out from the date)"
    RETURNED_TO_WORK = "returned_to_work", "Has returned to work or study (from the work story)"


class SelectionCriterion(models.Model):
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="selection_criteria"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=text_limits.NOTE)
    required = models.BooleanField(default=True)
    kind = models.CharField(
        max_length=24, choices=CriterionKind.choices, default=CriterionKind.RECORDED
    )
    min_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For “months since injury”: the least number of months"
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "name"], name="criterion_name_once_per_service"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CriterionResult(models.Model):
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="criterion_results")
    criterion = models.ForeignKey(
        SelectionCriterion, on_delete=models.CASCADE, related_name="results"
    )
    met = models.BooleanField()
    notes = models.TextField(blank=True, max_length=text_limits.NOTE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "criterion"], name="one_result_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {'met' if self.met else 'not met'}"


class CheckOutcome(models.TextChoices):
    CLEAR = "clear", "Clear"
    PENDING = "pending", "Pending"
    NOT_CLEAR = "not_clear", "Not clear"


class Check(models.Model):
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=16, choices=CheckKind.choices)
    reference = models.CharField(
        max_length=120, blank=True, help_text="Certificate or reference number"
    )
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(
        max_length=12, choices=CheckOutcome.choices, default=CheckOutcome.CLEAR
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["mentor", "kind", "issued_on"]),
            models.Index(fields=["expires_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("issued_on")),
                name="check_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} issued {self.issued_on}"


class CheckRenewalPeriod(models.Model):
    """How often a service re-checks one kind of check that carries no expiry date
    (a UK DBS certificate has none). Without a row the programme's default applies
    (``core.mentor_programme.DEFAULT_RENEWAL_MONTHS``): no check is valid for ever."""

    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="check_renewal_periods"
    )
    kind = models.CharField(max_length=16, choices=CheckKind.choices)
    every_months = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(120)]
    )

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["service", "kind"], name="one_renewal_per_check_kind"),
            models.CheckConstraint(
                condition=Q(every_months__gte=1, every_months__lte=120),
                name="renewal_1_to_120_months",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: every {self.every_months} months"


class TrainingModule(models.Model):
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="training_modules"
    )
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=text_limits.NOTE)
    required = models.BooleanField(default=True)
    recertify_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty if it never needs redoing"
    )
    required_from = models.DateField(
        null=True,
        blank=True,
        help_text="Mentors who have not done it can take new mentees until the day before; "
        "leave empty to require it at once",
    )
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "title"], name="module_title_once_per_service"
            )
        ]

    def __str__(self) -> str:
        return self.title


class TrainingCompletion(models.Model):
    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="training_completions"
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        indexes = [models.Index(fields=["mentor", "module", "completed_on"])]

    def __str__(self) -> str:
        return f"Module {self.module_id} completed {self.completed_on}"


class SupervisionKind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", "One-to-one"
    GROUP = "group", "Group"
    DEBRIEF = "debrief", "Debrief"


class SupervisionSession(models.Model):
    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="supervision_sessions"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    held_on = models.DateField()
    kind = models.CharField(
        max_length=12, choices=SupervisionKind.choices, default=SupervisionKind.ONE_TO_ONE
    )
    topics = models.TextField(blank=True, max_length=text_limits.NARRATIVE)
    actions = models.TextField(blank=True, max_length=text_limits.NARRATIVE)
    next_due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["mentor", "held_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} supervision on {self.held_on}"


class ChildOfMentorQuerySet(AuditedQuerySet):
    """Records hanging off a mentor, scoped through the mentor's service."""

    def visible_to(self, user: User, action: str) -> ChildOfMentorQuerySet:
        from alongside.accounts import policy

        return self.filter(mentor__service_id__in=policy.service_ids(user, action))


class WellbeingQuerySet(ChildOfMentorQuerySet):
    def visible_to(self, user: User, action: str = "mentor.wellbeing_view") -> WellbeingQuerySet:
        """Well-being is private: the mentor, their supervisor and the service admin only."""
        from alongside.accounts import policy

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(mentor__service_id__in=policy.service_ids(user, "mentor.wellbeing_view"))
            | Q(
                mentor__supervisor=user,
                mentor__service_id__in=policy.service_ids(user, "mentor.view"),
            )
            | Q(
                mentor__user=user,
                mentor__service_id__in=policy.service_ids(user, "mentor.view_own"),
            )
        )


class WellbeingCheckIn(models.Model):
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="checkins")
    submitted_at = models.DateTimeField(default=timezone.now)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    affecting_me = models.BooleanField(default=False)
    wants_to_talk = models.BooleanField(default=False)
    comment = models.TextField(blank=True, max_length=text_limits.NOTE)
    flagged = models.BooleanField(default=False)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    debrief_on = models.DateField(null=True, blank=True)

    objects = WellbeingQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["mentor", "submitted_at"]),
            models.Index(fields=["flagged", "acknowledged_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=5), name="checkin_score_1_5"
            )
        ]

    def __str__(self) -> str:
        return f"Check-in {self.submitted_at:%Y-%m-%d} score {self.score}"


class DebriefSource(models.TextChoices):
    CONCERN = "concern", "A concern raised after a contact"
    CHECKIN = "checkin", "A well-being check-in"


class DebriefRequest(models.Model):
    """A debrief the supervisor should offer the mentor: opened by a mentor-distress
    concern or a check-in asking to talk, closed when a *debrief* supervision session
    is logged. Private like check-ins (``WellbeingQuerySet.visible_to``)."""

    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="debrief_requests")
    source = models.CharField(max_length=10, choices=DebriefSource.choices)
    source_id = models.PositiveBigIntegerField()
    # For the supervisor; never shown to the mentor, and never clinical detail.
    reason = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    booked_on = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by_session = models.ForeignKey(
        SupervisionSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="debrief_requests",
    )

    objects = WellbeingQuerySet.as_manager()

    class Meta:
        ordering = ["requested_at", "pk"]
        indexes = [models.Index(fields=["mentor", "closed_at"])]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="debrief_once_per_source")
        ]

    def __str__(self) -> str:
        return f"Debrief for mentor {self.mentor_id} ({self.source} {self.source_id})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ExpenseStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class ExpenseQuerySet(ChildOfMentorQuerySet):
    def visible_to(self, user: User, action: str = "mentor.expense_decide") -> ExpenseQuerySet:
        """Staff who decide claims in the service, and the mentor for their own claims."""
        from alongside.accounts import policy

        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(mentor__service_id__in=policy.service_ids(user, action))
            | Q(
                mentor__user=user,
                mentor__service_id__in=policy.service_ids(user, "mentor.view_own"),
            )
        )


def receipt_path(instance: ExpenseClaim, filename: str) -> str:
    # The stored name never uses the uploaded one: it could carry personal data or path tricks.
    suffix = (
        ".pdf"
        if instance.receipt_content_type == "application/pdf"
        else "." + (instance.receipt_content_type.split("/")[-1] or "bin")
    )
    return f"receipts/{instance.mentor.service_id}/{timezone.now():%Y/%m}/{_token()}{suffix}"


def _token() -> str:
    import secrets

    return secrets.token_hex(16)


class ExpenseClaim(models.Model):
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="expense_claims")
    spent_on = models.DateField()
    purpose = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    receipt = models.FileField(upload_to=receipt_path, max_length=200, blank=True)
    receipt_content_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, max_length=text_limits.NOTE)

    objects = ExpenseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["status", "submitted_at"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.amount})"
