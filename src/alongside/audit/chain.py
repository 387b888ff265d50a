"""How audit events are chained: the digests, the key, and the head's seal.

Events are chained with HMAC-SHA256 under a key that lives in the environment
(``ALONGSIDE_AUDIT_KEY``), never in the database, so someone who can write the
database but not read the key cannot recompute the chain after changing it.
Events written before the key existed keep their plain SHA-256 digest
(scheme 1) so they still verify; see THREAT_MODEL.md for what that proves.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings

GENESIS = "0" * 64
LEGACY_SHA256 = 1
HMAC_SHA256 = 2
# Each service's events form their own chain (chain id = service id), so writers of
# different services never wait for one another. Chain 0, the general chain, holds the
# events of no service, every event written before per-service chains, and one
# ``audit.chain_open`` event per service chain: the anchor that shows a whole service
# chain (events and head) was deleted.
GENERAL_CHAIN = 0
CHAIN_OPEN = "audit.chain_open"


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes = b""

    def __repr__(self) -> str:  # never print the secret
        return f"AuditKey({self.key_id!r})"


def audit_key_from(secret: str) -> AuditKey:
    raw = secret.encode()
    # The id names the key without revealing it, so rotation can tell keys apart.
    key_id = hmac.new(raw, b"alongside audit key id", hashlib.sha256).hexdigest()[:16]
    return AuditKey(key_id, raw)


def current_key() -> AuditKey:
    return audit_key_from(settings.ALONGSIDE_AUDIT_KEY)


def known_keys() -> dict[str, AuditKey]:
    """The current key and every retired one, by id: what verify can check against."""
    keys = [current_key(), *map(audit_key_from, settings.ALONGSIDE_AUDIT_RETIRED_KEYS)]
    return {key.key_id: key for key in reversed(keys)}


class UnknownAuditKey(LookupError):
    """An event or head names a key id that no configured key has."""


# The columns that name a person. Since the personal digest, they are not hashed
# directly, so erasure can blank them and the event still verifies.
PERSONAL_FIELDS = ("actor_email", "ip")


def _impersonal_content(event: Any) -> dict[str, Any]:
    content = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
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
    # Likewise the chain: events of the general chain (all events before per-service
    # chains) hash as they always did; a service chain's events are bound to it.
    chain = getattr(event, "chain", GENERAL_CHAIN)
    if chain != GENERAL_CHAIN:
        content["chain"] = chain
    return content


def _content(event: Any) -> dict[str, Any]:
    content = _impersonal_content(event)
    if getattr(event, "personal_digest", ""):
        # The hash covers the digest of the personal part, not the values themselves.
        content["personal_digest"] = event.personal_digest
    else:
        content.update({name: getattr(event, name) for name in PERSONAL_FIELDS})
    return content


def new_personal_salt() -> str:
    return secrets.token_hex(16)


def personal_digest(event: Any, key: AuditKey) -> str:
    """A keyed, per-event salted digest of who did it and from where.

    The salt is erased with the values, so after redaction nobody (not even the key's
    holder) can test a guessed e-mail against the digest, and two events of one person
    cannot be linked through their digests.
    """
    message = {"personal": True, "salt": event.personal_salt}
    message.update({name: getattr(event, name) for name in PERSONAL_FIELDS})
    return _mac(key, _encode(message))


def redaction_seal(event: Any, key: AuditKey) -> str:
    """For an event chained before the personal digest: seal what redaction leaves.

    Written only after the event's own hash was checked with its personal part, so the
    seal vouches that the remaining content is what that hash covered.
    """
    message = {
        "redaction": True,
        "hash": event.hash,
        "reason": event.redaction_reason,
        "content": _impersonal_content(event),
        "scheme": event.scheme,
        "key_id": event.key_id,
    }
    return _mac(key, _encode(message))


def _encode(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":")).encode()


def _mac(key: AuditKey, message: bytes) -> str:
    return hmac.new(key.secret, message, hashlib.sha256).hexdigest()


def event_digest(event: Any, key: AuditKey | None = None) -> str:
    """The hash an event must carry: plain SHA-256 for legacy events, HMAC otherwise.

    Without ``key`` the event's own key id picks one of the configured keys.
    """
    content = _content(event)
    if event.scheme == LEGACY_SHA256:
        return hashlib.sha256(_encode(content)).hexdigest()
    if event.scheme != HMAC_SHA256:
        raise ValueError(f"unknown audit chain scheme {event.scheme!r}")
    if key is None:
        key = known_keys().get(event.key_id)
        if key is None:
            raise UnknownAuditKey(event.key_id)
    # The scheme and key id are inside the MAC, so neither can be swapped afterwards.
    content.update(scheme=HMAC_SHA256, key_id=key.key_id)
    return _mac(key, _encode(content))


def head_seal(
    *, count: int, last_hash: str, legacy_count: int, key: AuditKey, chain: int = GENERAL_CHAIN
) -> str:
    """A MAC over the head, so the count of events (and of legacy ones) cannot be rewritten.

    A service chain's head also seals its chain id, so one chain's head cannot be copied
    onto another's; the general chain's does not, so heads sealed before per-service
    chains still hold.
    """
    content: dict[str, Any] = {
        "head": True,
        "count": count,
        "last_hash": last_hash,
        "legacy_count": legacy_count,
    }
    if chain != GENERAL_CHAIN:
        content["chain"] = chain
    return _mac(key, _encode(content))


def head_seal_holds(head: Any) -> bool:
    key = known_keys().get(head.key_id)
    if key is None or not head.seal:
        return False
    expected = head_seal(
        count=head.count,
        last_hash=head.last_hash,
        legacy_count=head.legacy_count,
        key=key,
        chain=getattr(head, "chain", GENERAL_CHAIN),
    )
    return hmac.compare_digest(expected, head.seal)
