"""Writing audit events: the only way rows enter the audit table."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.audit.chain import (
    CHAIN_OPEN,
    GENERAL_CHAIN,
    GENESIS,
    HMAC_SHA256,
    AuditKey,
    current_key,
    event_digest,
    head_seal,
    head_seal_holds,
    new_personal_salt,
    personal_digest,
    redaction_seal,
)
from alongside.audit.context import current
from alongside.audit.models import AuditChainHead, AuditEvent

# Re-exported: callers and tests have long imported these from here.
__all__ = ["GENESIS", "audit_record", "event_digest"]

logger = logging.getLogger(__name__)


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
    """Append one event. ``target`` (a model instance) fills type, id and service.

    An event of a service goes to that service's chain, any other to the general chain;
    only that chain's head is locked, so services do not wait for one another.
    """
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
    authenticated = bool(getattr(actor, "is_authenticated", False))  # SYSTEM and None are not
    event = _new_event(
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
    )
    chain_id = service_id if service_id is not None else GENERAL_CHAIN
    key = current_key()
    with transaction.atomic():
        head, created = _head_for_update(chain_id)
        if created and chain_id != GENERAL_CHAIN:
            # The general chain records that this chain exists, in the same transaction:
            # deleting the whole service chain (events and head) then breaks verify.
            general, general_created = _head_for_update(GENERAL_CHAIN)
            opening = _new_event(
                actor_id=None,
                actor_email="",
                role="",
                service_id=None,
                action=CHAIN_OPEN,
                object_type="audit.chain",
                object_id=str(chain_id),
                fields=[],
                object_ids=[],
            )
            _append(general, general_created, opening, key)
        _append(head, created, event, key)
    return event


def _new_event(**values: Any) -> AuditEvent:
    request = current.get()
    return AuditEvent(
        created_at=timezone.now(),
        request_id=request.request_id,
        ip=request.ip,
        scheme=HMAC_SHA256,
        personal_salt=new_personal_salt(),
        **values,
    )


def _head_for_update(chain_id: int) -> tuple[AuditChainHead, bool]:
    """The chain's head, locked until the transaction ends; created on the chain's first event.

    Two first events of one chain at once (PostgreSQL): the unique ``chain`` makes the second
    insert wait for the first; if that one commits, the second's savepoint rolls back and it
    locks the committed head instead, so exactly one transaction opens the chain.
    """
    head = AuditChainHead.objects.select_for_update().filter(chain=chain_id).first()
    if head is not None:
        return head, False
    try:
        with transaction.atomic():
            return AuditChainHead.objects.create(chain=chain_id, last_hash=GENESIS), True
    except IntegrityError:
        return AuditChainHead.objects.select_for_update().get(chain=chain_id), False


def _append(head: AuditChainHead, created: bool, event: AuditEvent, key: AuditKey) -> None:
    # Re-seal only a head that was sealed: otherwise a head rewritten in the database
    # without the key would be blessed by the next event. Left unsealed, verify shows it.
    seal_holds = created or head_seal_holds(head)
    event.created_at = timezone.now()  # under the lock, so time follows each chain's order
    event.chain = head.chain
    event.prev_hash = head.last_hash
    event.key_id = key.key_id
    event.personal_digest = personal_digest(event, key)
    event.hash = event_digest(event, key)
    event.save(force_insert=True)
    head.last_hash = event.hash
    head.count += 1
    if seal_holds:
        head.key_id = key.key_id
        head.seal = head_seal(
            count=head.count,
            last_hash=head.last_hash,
            legacy_count=head.legacy_count,
            key=key,
            chain=head.chain,
        )
    else:
        logger.error(
            "audit chain head %s is not sealed by any configured audit key: it was changed "
            "outside audit_record (or the key changed); run `alongside audit verify`",
            head.chain,
        )
    head.save(update_fields=["last_hash", "count", "key_id", "seal"])


class CheckpointRefused(RuntimeError):
    """A head cannot be vouched for, so writing it down would bless a tampered chain."""


def audit_checkpoint_write(*, path: Path) -> list[dict[str, Any]]:
    """Append every chain's head to a file outside the database, one JSON line per chain.

    Only heads whose seal holds and whose newest event is really there are written; if any
    head fails, nothing is. No lock is taken: each head row is read once, and an event
    appended meanwhile is simply covered by the next checkpoint.
    """
    heads = [head for head in AuditChainHead.objects.order_by("chain") if head.count]
    if not heads:
        raise CheckpointRefused("the audit chain is empty: nothing to checkpoint yet")
    at = timezone.now().isoformat(timespec="seconds")
    entries = []
    for head in heads:
        which = "" if head.chain == GENERAL_CHAIN else f" of the chain of service {head.chain}"
        if not head_seal_holds(head):
            raise CheckpointRefused(
                f"the stored head{which} is not sealed by the audit key; "
                "run `alongside audit verify`"
            )
        newest = AuditEvent.objects.filter(chain=head.chain, hash=head.last_hash).first()
        if newest is None or event_digest(newest) != newest.hash:
            raise CheckpointRefused(
                f"the newest event{which} is missing or altered; run `alongside audit verify`"
            )
        entries.append(
            {
                "chain": head.chain,
                "count": head.count,
                "hash": head.last_hash,
                "at": at,
                "event_id": newest.pk,
                "key_id": head.key_id,
            }
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as checkpoints:
        checkpoints.write("".join(json.dumps(entry, sort_keys=True) + "\n" for entry in entries))
        checkpoints.flush()
        os.fsync(checkpoints.fileno())
    return entries


class RedactionRefused(RuntimeError):
    """An event's hash does not hold, so its remaining content cannot be vouched for."""


def audit_events_redact(*, actor_id: int, reason: str) -> list[int]:
    """Blank the personal part (e-mail, IP address) of every event the person did.

    Events keep their hash and their place in the chain; ``audit verify`` still passes,
    and still fails if anything that was not redacted is changed. Returns the ids of the
    events redacted. Must run inside the erasure's transaction.
    """
    if not reason.strip():
        raise ValueError("a redaction needs a reason")
    key = current_key()
    now = timezone.now()
    redacted = []
    events = AuditEvent.objects.filter(actor_id=actor_id, redaction_reason="").order_by("id")
    for event in events.iterator():
        update: dict[str, Any] = {
            "actor_email": "",
            "ip": None,
            "personal_salt": "",
            "redaction_reason": reason[:200],
            "redacted_at": now,
        }
        if not event.personal_digest:
            # Chained before the personal digest: check the hash while the values are
            # still here, then seal what remains.
            if event_digest(event) != event.hash:
                raise RedactionRefused(
                    f"audit event {event.pk} does not match its hash; run `alongside audit verify`"
                )
            event.redaction_reason = update["redaction_reason"]
            update["redaction_seal"] = redaction_seal(event, key)
            update["redaction_key_id"] = key.key_id
        AuditEvent.objects.filter(pk=event.pk).update(**update)
        redacted.append(event.pk)
    return redacted
