"""Append-only audit events, chained by a keyed hash so tampering shows (see chain.py).

No foreign keys: an audit row must outlive (and never be rewritten by) the
deletion of the user, service or record it talks about.
"""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    created_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_email = models.CharField(max_length=254, blank=True)
    role = models.CharField(max_length=60, blank=True)
    service_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    # Which chain the event is linked into: 0 (the general chain) for events of no service
    # and for every event written before per-service chains, else the service's id.
    chain = models.BigIntegerField(default=0)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list, blank=True, help_text="Names of fields changed or read")
    # A list or search reads many records in one request: one event names them all.
    object_ids = models.JSONField(
        default=list, blank=True, help_text="Ids of every record a read returned"
    )
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # 1: plain SHA-256 (events from before the audit key); 2: HMAC-SHA256 under key_id.
    scheme = models.PositiveSmallIntegerField(choices=[(1, "SHA-256 (legacy)"), (2, "HMAC-SHA256")])
    key_id = models.CharField(max_length=16, blank=True, help_text="Which audit key made the hash")
    # The personal part (actor_email, ip) is chained through a salted keyed digest, so it
    # can be redacted on erasure while the event's hash still verifies (see chain.py).
    personal_salt = models.CharField(max_length=32, blank=True)
    personal_digest = models.CharField(max_length=64, blank=True)
    # Redaction is the one change the append-only trigger allows, and only once.
    redaction_reason = models.CharField(max_length=200, blank=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    # Events chained before the personal digest existed cannot be re-hashed without their
    # personal part: at redaction their hash is checked, then the rest is sealed with the key.
    redaction_seal = models.CharField(max_length=64, blank=True)
    redaction_key_id = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # verify walks each chain oldest first, in batches.
            models.Index(fields=["chain", "id"], name="audit_event_chain_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditChainHead(models.Model):
    """One row per chain that writers lock, so each chain's events are chained one at a time.

    Chain 0 is the general chain (its row is the single head of before per-service chains);
    every other chain is one service's, its id the service's id. Each head is sealed with
    the audit key: without the key nobody can shorten the count (hiding deleted newest
    events), claim more events are legacy than were, or copy one chain's head onto another.
    """

    chain = models.BigIntegerField(unique=True, default=0)
    last_hash = models.CharField(max_length=64)
    count = models.BigIntegerField(default=0)
    # How many of the oldest events predate the audit key and carry plain SHA-256.
    legacy_count = models.BigIntegerField(default=0)
    seal = models.CharField(max_length=64, blank=True)
    key_id = models.CharField(max_length=16, blank=True)

    def __str__(self) -> str:
        return f"audit chain {self.chain} head after {self.count} events"
