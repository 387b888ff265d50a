"""In-app notifications, their delivery by e-mail and SMS, and each person's preferences.

A Notification row is the memory of "this person was told about this event":
it is unique per (recipient, kind, event_key), so a reminder sweep that runs
every hour tells someone about an event once. Delivery state per channel
(``email_sent_at``, ``sms_sent_at``) is set under a row lock, so a retried or
duplicated delivery task never sends the same message twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    DEFERRED = "deferred", "Held until quiet hours end"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent (in the app only)"
    FAILED = "failed", "Could not be sent"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    service = models.ForeignKey(
        "organisations.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    kind = models.CharField(max_length=40)
    event_key = models.CharField(max_length=200)
    essential = models.BooleanField(
        default=False, help_text="About someone's safety: sent despite opt-out and quiet hours"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    email_sent_at = models.DateTimeField(null=True, blank=True)
    sms_sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "event_key"], name="notification_once_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["recipient", "created_at"]),
            models.Index(fields=["delivery_status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    opt_out_non_essential = models.BooleanField(
        default=False,
        help_text="Reminders and nudges stay in the app; nothing is e-mailed or texted",
    )
    email_enabled = models.BooleanField(default=True)
    sms_enabled = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    # Blank: the time zone of the person's (first) service.
    time_zone = models.CharField(max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.user}"
