"""What the API must remember between requests: Idempotency-Key records."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """One create request sent with an ``Idempotency-Key``: what it asked for (a hash of
    method, path and body) and the id of what it created. No response body is kept —
    health data lives in its own tables only — a retry is answered from the record as
    it is now, read through the same selectors as any read."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    object_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_idempotency_key_per_user")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"{self.key} → {self.object_id}"
