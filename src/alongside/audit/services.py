"""Writing audit events: the only way rows enter the audit table."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from alongside.audit.context import current
from alongside.audit.models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def event_digest(event: AuditEvent) -> str:
    """Hash of an event's content and its predecessor's hash."""
    content = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "role": event.role,
        "service_id": event.service_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": list(event.fields),
        "request_id": event.request_id,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }
    # Added after the first events were chained: only present when used, so those still verify.
    if event.object_ids:
        content["object_ids"] = list(event.object_ids)
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    target: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    service_id: int | None = None,
    fields: Iterable[str] = (),
    object_ids: Iterable[str | int] = (),
    role: str | None = None,
) -> AuditEvent:
    """Append one event. ``target`` (a model instance) fills type, id and service."""
    from alongside.accounts import policy

    if target is not None:
        object_type = object_type or target._meta.label_lower
        object_id = object_id or target.pk
        if service_id is None:
            service_id = (
                target.pk
                if object_type == "organisations.service"
                else getattr(target, "service_id", None)
            )
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    request = current.get()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_hash": GENESIS}
        )
        event = AuditEvent(
            created_at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_email=actor.email if authenticated else "",
            role=role
            if role is not None
            else ",".join(policy.role_list(actor) if authenticated else []),
            service_id=service_id,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            fields=sorted(fields),
            object_ids=[str(i) for i in object_ids],
            request_id=request.request_id,
            ip=request.ip,
            prev_hash=head.last_hash,
        )
        event.hash = event_digest(event)
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event
