"""The vocational therapist's case record: referral, eligibility, consent,
injury and pre-injury work, the return-to-work plan and the work-status timeline.

Every record belongs to a Service through its Patient. Reads go through
``Patient.objects.visible_to(user, action)``; writes through patients.services.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils import timezone

from alongside.audit.reads import AuditedQuerySet
from alongside.core import text_limits
from alongside.core.codes import AMPUTATION_SITES, ASIA_GRADES, SCI_LEVELS, TBI_SEVERITIES
from alongside.core.vocabulary import (  # noqa: F401 - re-exported: the app's names for them
    PAID_WORK,
    WORKING_OR_STUDYING,
    AmputationLaterality,
    ContactMode,
    EmploymentType,
    Gender,
    InjuryCategory,
    Mechanism,
)
from alongside.field_encryption import EncryptedTextField
from alongside.organisations.models import ServiceScopedQuerySet

if TYPE_CHECKING:
    from alongside.accounts.models import User


class PatientStatus(models.TextChoices):
    REFERRED = "referred", "New referral"
    ELIGIBLE = "eligible", "Accepted (eligible)"
    INELIGIBLE = "ineligible", "Declined (not eligible)"
    ACTIVE = "active", "Active"
    MATCHED = "matched", "Matched with a mentor"
    RETURNED_TO_WORK = "returned_to_work", "Returned to work"
    DISCHARGED = "discharged", "Discharged"


# Statuses in which the case is open and early-intervention targets still run.
OPEN_STATUSES = (
    PatientStatus.REFERRED,
    PatientStatus.ELIGIBLE,
    PatientStatus.ACTIVE,
    PatientStatus.MATCHED,
)


class ReferralSource(models.TextChoices):
    TRAUMA_WARD = "trauma_ward", "Trauma ward"
    ICU = "icu", "Intensive care"
    REHAB_UNIT = "rehab_unit", "Rehabilitation unit"
    SPINAL_UNIT = "spinal_unit", "Spinal unit"
    OUTPATIENT = "outpatient", "Outpatient clinic"
    GP = "gp", "General practitioner"
    INSURER = "insurer", "Insurer or compensation scheme"
    SELF = "self", "Self-referral"
    OTHER = "other", "Other"


class Demand(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


SCI_LEVEL_CHOICES = [(level, level) for level in SCI_LEVELS]
ASIA_CHOICES = [(grade, f"ASIA {grade}") for grade in ASIA_GRADES]
TBI_CHOICES = [(s, s.capitalize()) for s in TBI_SEVERITIES]
AMPUTATION_CHOICES = [(site.id, site.title) for site in AMPUTATION_SITES]


class ConsentKind(models.TextChoices):
    SERVICE = "service", "To receive the service"
    MENTOR_SHARING = "mentor_sharing", "To share a minimal profile with a peer mentor"
    RESEARCH = "research", "To be contacted for research and evaluation"


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", "Signed form"
    VERBAL = "verbal", "Verbal, witnessed"
    ONLINE = "online", "Online, by the patient"
    PROXY = "proxy", "By a legal representative"


# django-stubs' plugin derives as_manager()'s manager from the first base only.
class PatientQuerySet(AuditedQuerySet, ServiceScopedQuerySet):  # type: ignore[override]
    def open(self) -> PatientQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def sharing_with_mentors(self) -> PatientQuerySet:
        """Patients with a current (given, not withdrawn) mentor-sharing consent.

        A mentor may see a patient only through this queryset: withdrawing the
        consent hides the patient on the next read.
        """
        return self.filter(
            Exists(
                Consent.objects.current().filter(
                    patient=OuterRef("pk"),
                    kind=ConsentKind.MENTOR_SHARING,
                )
            )
        )

    def not_on_hold(self) -> PatientQuerySet:
        """Cases not on hold today (a case on hold leaves the matching waiting list)."""
        return self.exclude(
            Exists(CaseHold.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True))
        )

    def own(self, user: User) -> PatientQuerySet:
        """The patient records that belong to this signed-in patient."""
        if not user.is_authenticated:
            return self.none()
        return self.visible_to(user, "patient.own").filter(user=user)


class Patient(models.Model):
    service = models.ForeignKey(
        "organisations.Service", on_delete=models.PROTECT, related_name="patients"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient_records",
        help_text="The patient's own sign-in, if they have one",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=16, choices=Gender.choices, blank=True)
    languages = models.JSONField(default=list, blank=True, help_text="Languages spoken")
    phone = models.CharField(
        max_length=40,
        blank=True,
        help_text="A number without + is read as one of the service's country",
    )
    email = models.EmailField(blank=True)
    postcode = models.CharField(
        max_length=12, blank=True, help_text="In the format of the service's country"
    )
    region = models.CharField(max_length=100, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    hospital_number = models.CharField(max_length=40, blank=True)

    status = models.CharField(
        max_length=20, choices=PatientStatus.choices, default=PatientStatus.REFERRED
    )
    decline_reason = models.TextField(blank=True, max_length=text_limits.REASON)
    # Accepted against the service's eligibility rules, on a therapist's clinical judgement
    # (only where EligibilityRules.allow_clinical_override); the reason is kept.
    eligibility_override_reason = models.TextField(
        blank=True, max_length=text_limits.REASON, verbose_name="reason for accepting anyway"
    )
    eligibility_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    eligibility_override_on = models.DateField(null=True, blank=True)
    allocated_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
    )

    # Referral
    referral_source = models.CharField(max_length=20, choices=ReferralSource.choices, blank=True)
    referrer_name = models.CharField(max_length=200, blank=True)
    date_of_injury = models.DateField()
    date_of_admission = models.DateField(null=True, blank=True)
    date_of_referral = models.DateField()
    accepted_on = models.DateField(null=True, blank=True)
    first_therapist_contact_on = models.DateField(null=True, blank=True)
    # Set by the matching work when the mentor is introduced.
    mentor_introduced_on = models.DateField(null=True, blank=True)
    discharged_on = models.DateField(null=True, blank=True)
    # Left hospital: where a service introduces mentors after discharge, its clock starts here.
    left_hospital_on = models.DateField(null=True, blank=True, verbose_name="Left hospital on")

    # Injury profile
    injury_category = models.CharField(max_length=12, choices=InjuryCategory.choices, blank=True)
    icd10_codes = models.JSONField(default=list, blank=True)
    sci_level = models.CharField(max_length=3, choices=SCI_LEVEL_CHOICES, blank=True)
    asia_grade = models.CharField(max_length=1, choices=ASIA_CHOICES, blank=True)
    tbi_severity = models.CharField(max_length=10, choices=TBI_CHOICES, blank=True)
    gcs = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(3), MaxValueValidator(15)],
        help_text="Glasgow Coma Scale, 3-15",
    )
    pta_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        verbose_name="Post-traumatic amnesia (days)",
        help_text="Days in post-traumatic amnesia; 0 if less than a day",
    )
    amputation_site = models.CharField(max_length=20, choices=AMPUTATION_CHOICES, blank=True)
    amputation_laterality = models.CharField(
        max_length=10,
        choices=AmputationLaterality.choices,
        blank=True,
    )
    iss = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(75)],
        verbose_name="Injury Severity Score",
    )
    mechanism = models.CharField(max_length=20, choices=Mechanism.choices, blank=True)

    # Pre-injury work
    occupation_code = models.CharField(
        max_length=10, blank=True, help_text="In the service's occupation classification"
    )
    industry = models.CharField(max_length=100, blank=True)
    employer = models.CharField(max_length=200, blank=True)
    employment_type = models.CharField(max_length=16, choices=EmploymentType.choices, blank=True)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    physical_demands = models.CharField(max_length=8, choices=Demand.choices, blank=True)
    cognitive_demands = models.CharField(max_length=8, choices=Demand.choices, blank=True)
    job_held_open = models.BooleanField(null=True, blank=True)

    # Matching preferences
    preferred_mentor_gender = models.CharField(max_length=16, choices=Gender.choices, blank=True)
    required_language = models.CharField(max_length=50, blank=True)
    wants_in_person = models.BooleanField(default=False)
    availability = models.JSONField(
        default=list, blank=True, help_text='Weekly slots, e.g. "mon-am"'
    )
    contact_modes = models.JSONField(default=list, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        constraints = [
            # Hospital numbers are compared without regard to case ("mrn1" is "MRN1").
            models.UniqueConstraint(
                "service",
                Lower("hospital_number"),
                "date_of_injury",
                condition=~Q(hospital_number=""),
                name="one_referral_per_injury_any_case",
            ),
            models.CheckConstraint(
                condition=Q(iss__isnull=True) | Q(iss__gte=1, iss__lte=75), name="iss_1_to_75"
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status"]),
            models.Index(fields=["service", "allocated_therapist", "status"]),
            models.Index(fields=["service", "date_of_referral"]),
            models.Index(fields=["service", "family_name", "given_name"]),
            models.Index(fields=["user"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def work_demands(self) -> str | None:
        """The matching vocabulary: "physical", "mixed" or "desk" (None if unknown)."""
        if not self.physical_demands:
            return None
        if self.physical_demands == Demand.HIGH:
            return "physical"
        if self.physical_demands == Demand.LOW and self.cognitive_demands != Demand.LOW:
            return "desk"
        return "mixed"

    @property
    def icd10_labels(self) -> list[str]:
        """ "S14.1 Other and unspecified injuries of cervical spinal cord", per code."""
        from alongside.core.codes.icd10 import icd10_title

        labels = []
        for code in self.icd10_codes or []:
            try:
                labels.append(f"{code} {icd10_title(code, self.service.icd10_modification)}")
            except ValueError:
                labels.append(str(code))  # recorded before the code set changed
        return labels

    @property
    def occupation_label(self) -> str:
        """ "3411 Electricians": the code with its owner's title."""
        from alongside.core.codes import classification

        if not self.occupation_code:
            return ""
        try:
            title = classification(self.service.occupation_classification).title(
                self.occupation_code
            )
        except ValueError:
            return self.occupation_code
        return f"{self.occupation_code} {title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class PatientRecord(models.Model):
    """A row in a patient's case record; its service is the patient's."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    @property
    def service_id(self) -> int:
        return self.patient.service_id


class ConsentQuerySet(models.QuerySet["Consent"]):
    def current(self) -> ConsentQuerySet:
        """Given and not withdrawn. A withdrawal counts from the moment it is
        recorded (whatever the time zones), so it hides the patient at once."""
        return self.filter(withdrawn_on__isnull=True)


class Consent(PatientRecord):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    given_on = models.DateField()
    how_given = models.CharField(max_length=10, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-given_on", "-pk"]
        indexes = [models.Index(fields=["patient", "kind", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({'withdrawn' if self.withdrawn_on else 'current'})"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_on is None


def _all_categories() -> list[str]:
    return [c.value for c in InjuryCategory]


class EligibilityRules(models.Model):
    """A service's referral criteria; defaults are those of the EIVRS trial."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="eligibility_rules"
    )
    min_age = models.PositiveSmallIntegerField(default=16)
    max_age = models.PositiveSmallIntegerField(default=70)
    require_working_or_studying = models.BooleanField(
        default=True, help_text="In paid or unpaid work, or full-time study, at injury"
    )
    allowed_categories = models.JSONField(default=_all_categories)
    max_weeks_since_injury = models.PositiveSmallIntegerField(
        null=True, blank=True, default=12, help_text="Referral within this many weeks of injury"
    )
    min_iss = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minimum Injury Severity Score (blank: no minimum)"
    )
    paid_work_only = models.BooleanField(
        default=False, help_text="Only paid work (employed or self-employed) counts as work"
    )
    weeks_counted_from = models.CharField(
        max_length=10,
        choices=[("injury", "The injury"), ("admission", "The admission")],
        default="injury",
        help_text="What the weeks before referral are counted from",
    )
    allow_clinical_override = models.BooleanField(
        default=False,
        verbose_name="Allow clinical override",
        help_text="A therapist may accept a referral these rules would refuse, "
        "giving a clinical reason that is kept with the record",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "eligibility rules"

    def __str__(self) -> str:
        return f"Eligibility rules of {self.service}"


class GoalStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    DROPPED = "dropped", "No longer pursued"


class Goal(PatientRecord):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="goals")
    text = models.CharField(max_length=500)
    target_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=GoalStatus.choices, default=GoalStatus.PLANNED)
    shared_with_patient = models.BooleanField(default=True)

    class Meta:
        ordering = ["target_on", "pk"]
        indexes = [models.Index(fields=["patient", "status"])]

    def __str__(self) -> str:
        return self.text


class EmployerContact(PatientRecord):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="employer_contacts")
    on = models.DateField()
    who = models.CharField(max_length=200, help_text="Name and role at the employer")
    summary = EncryptedTextField(max_length=text_limits.NARRATIVE)
    agreed = EncryptedTextField(
        blank=True, max_length=text_limits.NARRATIVE, help_text="What was agreed"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.on}: {self.who}"


class Capacity(models.TextChoices):
    UNFIT = "unfit", "Not fit for work"
    MODIFIED = "modified", "Fit for modified duties"
    FULL = "full", "Fit for full duties"


class CapacityCertificate(PatientRecord):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="certificates")
    from_date = models.DateField()
    to_date = models.DateField()
    capacity = models.CharField(max_length=10, choices=Capacity.choices)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    issued_by = models.CharField(max_length=200, blank=True)
    notes = EncryptedTextField(max_length=500, blank=True)

    class Meta:
        ordering = ["-from_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_date__gte=models.F("from_date")), name="certificate_dates_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_capacity_display()} {self.from_date}–{self.to_date}"


class PhasedReturnStep(PatientRecord):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="phased_steps")
    week_starting = models.DateField()
    hours = models.DecimalField(max_digits=4, decimal_places=1)
    duties = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["week_starting", "pk"]

    def __str__(self) -> str:
        return f"Week of {self.week_starting}: {self.hours} h"


class WorkStatusKind(models.TextChoices):
    NOT_WORKING = "not_working", "Not working"
    ON_LEAVE = "on_leave", "On leave from job"
    PHASED_RETURN = "phased_return", "Phased return"
    FULL_RETURN = "full_return", "Full return to work"
    NEW_JOB = "new_job", "New job"
    STUDY = "study", "Study"
    LEFT_WORK = "left_work", "Left work"


# Work statuses that count as being back at work (for time to first RTW).
AT_WORK = frozenset(
    {
        WorkStatusKind.PHASED_RETURN,
        WorkStatusKind.FULL_RETURN,
        WorkStatusKind.NEW_JOB,
    }
)


class WorkStatus(PatientRecord):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="work_statuses")
    from_date = models.DateField()
    status = models.CharField(max_length=16, choices=WorkStatusKind.choices)
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = EncryptedTextField(max_length=300, blank=True)
    # Empty when the patient reported it themselves (the work-status questionnaire).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["from_date", "pk"]
        verbose_name_plural = "work statuses"
        indexes = [models.Index(fields=["patient", "from_date"])]

    def __str__(self) -> str:
        return f"{self.from_date}: {self.get_status_display()}"


class TargetKind(models.TextChoices):
    FIRST_THERAPIST_CONTACT = "first_contact", "First therapist contact"
    MENTOR_INTRODUCED = "mentor_introduced", "Mentor introduced"


class TargetAlert(PatientRecord):
    """One row per case and target that went overdue: the e-mail is sent once."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="target_alerts")
    target = models.CharField(max_length=20, choices=TargetKind.choices)
    due_on = models.DateField()
    sent_to = models.EmailField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "target"], name="one_alert_per_target")
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()} overdue since {self.due_on}"


class HoldReason(models.TextChoices):
    PTA = "pta", "In post-traumatic amnesia"
    MEDICALLY_UNWELL = "medically_unwell", "Medically unwell"
    SURGERY = "surgery", "Awaiting or recovering from surgery"
    NOT_READY = "not_ready", "Not ready to talk about work yet"
    OTHER = "other", "Other"


class CaseHold(PatientRecord):
    """A case on hold (not ready): its target clocks pause and it leaves the
    matching waiting list from ``started_on`` until ``ended_on``."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=20, choices=HoldReason.choices)
    note = EncryptedTextField(max_length=300, blank=True)
    started_on = models.DateField()
    review_on = models.DateField(help_text="When the therapist will look at it again")
    ended_on = models.DateField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(ended_on__isnull=True),
                name="one_open_hold_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} from {self.started_on}"

    @property
    def is_open(self) -> bool:
        return self.ended_on is None


class ReferralImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    CHECKED = "checked", "Checked: waiting for your confirmation"
    WRITING = "writing", "Importing"
    IMPORTED = "imported", "Imported"
    NOT_IMPORTED = "not_imported", "Not imported"


class ReferralImportJob(models.Model):
    """One uploaded referral file, checked and imported by the task worker.

    The file is kept here (not in a session) so the worker can read it and any
    web worker can show the progress; it is emptied once the import is done or
    refused. Seen only by the clinical team of the service (``visible_to`` with
    ``patient.manage``).
    """

    ACTIVE_STATUSES = (ReferralImportStatus.CHECKING, ReferralImportStatus.WRITING)

    service = models.ForeignKey(
        "organisations.Service", on_delete=models.CASCADE, related_name="referral_imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file_name = models.CharField(max_length=255, blank=True)
    content = models.BinaryField(editable=False, default=bytes)
    valid_rows_only = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=ReferralImportStatus.choices, default=ReferralImportStatus.CHECKING
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    bad_rows = models.PositiveIntegerField(default=0)
    file_refused = models.BooleanField(default=False)
    # "row N: field: problem" lines (the first ones; problem_count has them all).
    problems = models.JSONField(default=list, blank=True)
    problem_count = models.PositiveIntegerField(default=0)
    # The first valid rows, for the preview table.
    preview = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Referral import {self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_confirm(self) -> bool:
        return (
            self.status == ReferralImportStatus.CHECKED
            and self.rows_valid > 0
            and not self.file_refused
            and (self.problem_count == 0 or self.valid_rows_only)
        )
