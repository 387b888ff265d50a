"""Service evaluation: qualitative studies of a service, done the way the source paper
did its own — semi-structured interviews, transcripts, coding against a hierarchical
codebook, themes, and blinded parallel coding with agreement statistics.

A transcript is stored as plain text whose character offsets never change once coding
starts (de-identification happens before the first span), so a coded span is just
``[start, end)`` into that text, exactly as REFI-QDA's PlainTextSelection is.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from alongside.audit.reads import AuditedQuerySet
from alongside.core import text_limits
from alongside.field_encryption import EncryptedTextField

TRANSCRIPT_MAX = 400_000  # characters: a two-hour interview is about 120,000

# A coder's REFI-QDA guid: stable for the same account, so exports agree with each other.
CODER_NAMESPACE = uuid.UUID("6c1f4f3e-4c8e-4f61-9a53-8f7d2a0e51b7")


def coder_guid(user: Any) -> uuid.UUID:
    return uuid.uuid5(CODER_NAMESPACE, f"user:{user.pk}")


class TeamRole(models.TextChoices):
    LEAD = "lead", "Lead"
    CODER = "coder", "Coder"
    READER = "reader", "Reader"


class Group(models.TextChoices):
    PEER_MENTOR = "peer_mentor", "Peer mentor"
    THERAPIST = "therapist", "Therapist"
    PATIENT = "patient", "Patient"
    OTHER = "other", "Other"


class InterviewMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Telephone"
    VIDEO = "video", "Video call"


class Study(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    aims = models.TextField(blank=True, max_length=text_limits.NOTE)
    ethics_reference = models.CharField(
        max_length=120, blank=True, help_text="Ethics or approval reference"
    )
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    services = models.ManyToManyField("organisations.Service", blank=True, related_name="studies")
    # Parallel coding stays blinded (each coder sees only their own spans) until the lead
    # unblinds; then agreement can be computed and everyone on the team sees every span.
    unblinded_at = models.DateTimeField(null=True, blank=True)
    # Off by default: the lead decides whether coders are shown suggested codes.
    suggestions_enabled = models.BooleanField(
        default=False, help_text="Suggest codes from similar coded passages"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="study_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def blinded(self) -> bool:
        return self.unblinded_at is None


class TeamMember(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_roles"
    )
    role = models.CharField(max_length=10, choices=TeamRole.choices)

    class Meta:
        ordering = ["study", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["study", "user"], name="one_team_role_per_study")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Participant(models.Model):
    """Someone interviewed. A link to a service record shows only ``label``, a pseudonym."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    label = models.CharField(max_length=40, help_text="Pseudonymous id, e.g. PM-01")
    group = models.CharField(max_length=12, choices=Group.choices)
    patient = models.ForeignKey(
        "patients.Patient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consented_on = models.DateField(null=True, blank=True)
    # Withdrawal keeps the transcripts (the audit trail needs them) but takes them out of
    # every analysis, page of excerpts and export.
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.CharField(max_length=text_limits.REASON, blank=True)

    class Meta:
        ordering = ["study", "group", "label"]
        constraints = [
            models.UniqueConstraint(fields=["study", "label"], name="one_participant_per_label"),
            models.CheckConstraint(
                condition=Q(patient__isnull=True) | Q(mentor__isnull=True),
                name="participant_one_service_record",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class InterviewGuide(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="guides")
    group = models.CharField(max_length=12, choices=Group.choices)
    title = models.CharField(max_length=200)
    # [{"question": "...", "prompts": ["...", ...]}, ...]
    questions = models.JSONField(default=list)

    class Meta:
        ordering = ["study", "group", "title"]

    def __str__(self) -> str:
        return self.title


class Interview(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="interviews"
    )
    held_on = models.DateField(null=True, blank=True)
    interviewer = models.CharField(max_length=120, blank=True)
    mode = models.CharField(max_length=10, choices=InterviewMode.choices, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    guide = models.ForeignKey(
        InterviewGuide, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["participant", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.participant} {self.held_on or ''}".strip()


class TranscriptQuerySet(AuditedQuerySet):
    """Transcripts are what people said about their lives: every fetch can be audited."""

    def analysed(self) -> TranscriptQuerySet:
        return self.filter(interview__participant__withdrawn_at__isnull=True)


class Transcript(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="transcripts")
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="transcripts")
    name = models.CharField(max_length=200)
    text = EncryptedTextField(max_length=TRANSCRIPT_MAX)
    # [{"speaker": "...", "start": 0, "end": 120, "started_at": "00:01:02.000" | null}]
    turns = models.JSONField(default=list, blank=True)
    deidentified = models.BooleanField(default=False)
    guid = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        ordering = ["study", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "guid"], name="one_transcript_per_guid")
        ]

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="codes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True, max_length=text_limits.NOTE)
    inclusion = models.TextField(
        blank=True, max_length=text_limits.NOTE, help_text="When to apply this code"
    )
    exclusion = models.TextField(
        blank=True, max_length=text_limits.NOTE, help_text="When not to apply it"
    )
    colour = models.CharField(max_length=7, default="#1d70b8")
    guid = models.UUIDField(default=uuid.uuid4)

    class Meta:
        ordering = ["study", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["study", "guid"], name="one_code_per_guid"),
            models.CheckConstraint(
                condition=Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="code_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CodedSpan(models.Model):
    """One code applied by one coder to ``text[start:end]`` of a transcript."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="spans")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="spans")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who coded, as REFI-QDA names them: kept so a project imported from another tool
    # round-trips its coders even when they have no account here.
    coder_guid = models.UUIDField()
    coder_name = models.CharField(max_length=200)
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    guid = models.UUIDField(default=uuid.uuid4)
    coding_guid = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transcript", "start", "end", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="span_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.code} [{self.start}, {self.end})"


class Memo(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="memos")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(max_length=200, blank=True)
    text = models.TextField(max_length=text_limits.NARRATIVE)
    code = models.ForeignKey(
        Code, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    span = models.ForeignKey(
        CodedSpan, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    transcript = models.ForeignKey(
        Transcript, null=True, blank=True, on_delete=models.CASCADE, related_name="memos"
    )
    guid = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["study", "-created_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.text[:40]


class Theme(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=text_limits.NOTE)
    codes = models.ManyToManyField(Code, blank=True, related_name="themes")
    guid = models.UUIDField(default=uuid.uuid4)

    class Meta:
        ordering = ["study", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class CodingAssignment(models.Model):
    """The lead asks a coder to code a transcript (blinded until the lead unblinds)."""

    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="assignments")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coding_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["transcript", "coder"]
        constraints = [
            models.UniqueConstraint(fields=["transcript", "coder"], name="one_assignment_per_coder")
        ]

    def __str__(self) -> str:
        return f"{self.transcript} → {self.coder}"


class CodingAction(models.Model):
    """A coder's last coding change, kept so it can be undone (one step)."""

    ADD, REMOVE = "add", "remove"
    transcript = models.ForeignKey(Transcript, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=[(ADD, "Add"), (REMOVE, "Remove")])
    # For "add": the pks of the spans added; for "remove": the removed spans' fields.
    payload = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.transcript}"
