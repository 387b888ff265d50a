"""Export jobs that run in the task worker, and each service's research-export choices."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from alongside.organisations.models import ServiceScopedQuerySet

# How long a finished export can be downloaded before its file is deleted.
DOWNLOAD_HOURS = 24


class DateHandling(models.TextChoices):
    SHIFT = "shift", "Shift every date of a person by the same hidden number of days"
    INTERVALS = "intervals", "Replace dates by days since the person's injury"


class ResearchSettings(models.Model):
    """How a service's research export treats dates (the service chooses)."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="research_settings"
    )
    date_handling = models.CharField(
        max_length=10, choices=DateHandling.choices, default=DateHandling.INTERVALS
    )
    max_shift_days = models.PositiveSmallIntegerField(
        default=180, help_text="Dates move by up to this many days either way"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "research settings"

    def __str__(self) -> str:
        return f"Research settings of {self.service}"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Preparing the file"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Could not be made"


class ExportJobQuerySet(ServiceScopedQuerySet):
    def mine(self, user) -> ExportJobQuerySet:  # type: ignore[no-untyped-def]
        """Only the person who asked for an export sees it and downloads it."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(created_by=user)


class ExportJob(models.Model):
    """One export made in the background: progress for the page, then the file, then gone."""

    service = models.ForeignKey(
        "organisations.Service",
        on_delete=models.CASCADE,
        related_name="export_jobs",
        null=True,
        blank=True,
        help_text="The service of a research export; empty for a list export",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40, help_text="research, or a list export's name")
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(editable=False, default=bytes)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} export {self.pk} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (ExportStatus.QUEUED, ExportStatus.RUNNING)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_list(self) -> bool:
        return self.kind != "research"

    @property
    def percent(self) -> int:
        if not self.steps_total:
            return 0
        return min(100, round(100 * self.steps_done / self.steps_total))


class DashboardGeneration(models.Model):
    """A number per service that goes up with every write the dashboard figures read.

    The cached dashboard figures are keyed by it (``reports.dashboard_cache``), so a
    write seen by one web worker makes every worker's cached copy unreachable: the
    number lives in the database and moves in the same transaction as the write."""

    service = models.OneToOneField(
        "organisations.Service", on_delete=models.CASCADE, related_name="+"
    )
    generation = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Dashboard generation {self.generation} of service {self.service_id}"
