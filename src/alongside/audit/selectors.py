"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from alongside.accounts import policy
from alongside.audit.models import AuditEvent
from alongside.audit.services import GENESIS, event_digest


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_event_id is None


def audit_chain_verify(batch_size: int = 5000) -> ChainReport:
    """Walk the chain oldest first; report the first event whose hash does not hold."""
    expected_prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        if event.prev_hash != expected_prev:
            return ChainReport(checked, event.pk, "its link to the previous event is broken")
        if event_digest(event) != event.hash:
            return ChainReport(checked, event.pk, "its content does not match its hash")
        expected_prev = event.hash
        checked += 1
    return ChainReport(checked, None)


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:  # type: ignore[no-untyped-def]
    """Admins see the events of their services, and their own sign-in events."""
    ids = policy.service_ids(user, "audit.view")
    return AuditEvent.objects.filter(service_id__in=ids)
