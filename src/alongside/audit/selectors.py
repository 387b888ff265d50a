"""Reading the audit trail."""

from __future__ import annotations

import hmac
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from alongside.accounts import policy
from alongside.audit.chain import (
    CHAIN_OPEN,
    GENERAL_CHAIN,
    GENESIS,
    LEGACY_SHA256,
    UnknownAuditKey,
    event_digest,
    head_seal_holds,
    known_keys,
    personal_digest,
    redaction_seal,
)
from alongside.audit.models import AuditChainHead, AuditEvent


@dataclass(frozen=True)
class Checkpoint:
    """A head written to a file outside the database by `alongside audit checkpoint`."""

    count: int
    hash: str
    at: str
    line: int
    # Lines written before per-service chains have no "chain": they are the general chain's.
    chain: int = GENERAL_CHAIN


class CheckpointFileError(ValueError):
    """A line of the checkpoint file cannot be read."""


def audit_checkpoints_read(path: Path) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first; none when the file does not exist yet."""
    if not path.exists():
        return []
    checkpoints = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                checkpoints.append(
                    Checkpoint(
                        int(entry["count"]),
                        str(entry["hash"]),
                        str(entry["at"]),
                        number,
                        int(entry.get("chain", GENERAL_CHAIN)),
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                raise CheckpointFileError(
                    f"{path} line {number} is not a checkpoint ({error})"
                ) from error
    return checkpoints


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_event_id: int | None
    problem: str = ""
    head_count: int = 0
    checkpoints_checked: int = 0
    chains_checked: int = 0

    @property
    def intact(self) -> bool:
        return not self.problem


def _event_problem(event: AuditEvent, position: int, expected_prev: str, legacy: int) -> str:
    if event.prev_hash != expected_prev:
        return "its link to the previous event is broken"
    if event.scheme == LEGACY_SHA256 and position > legacy:
        return (
            f"it carries a plain SHA-256 hash, but only the first {legacy} events "
            "predate the audit key"
        )
    if event.redaction_reason and (event.actor_email or event.ip or event.personal_salt):
        return "it is marked redacted but carries personal details"
    if event.redaction_reason and not event.personal_digest:
        # Chained before the personal digest: its seal vouches for what redaction left.
        key = known_keys().get(event.redaction_key_id)
        if key is None or not hmac.compare_digest(redaction_seal(event, key), event.redaction_seal):
            return "its content does not match the seal made when it was redacted"
        return ""
    try:
        if event.personal_digest and not event.redaction_reason:
            key = known_keys().get(event.key_id)
            if key is None:
                raise UnknownAuditKey(event.key_id)
            if not hmac.compare_digest(personal_digest(event, key), event.personal_digest):
                return "its personal details (e-mail, IP address) do not match their digest"
        digest = event_digest(event)
    except UnknownAuditKey:
        return (
            f"it was chained with audit key {event.key_id!r}, which is neither "
            "ALONGSIDE_AUDIT_KEY nor one of ALONGSIDE_AUDIT_RETIRED_KEYS"
        )
    if not hmac.compare_digest(digest, event.hash):
        return "its content does not match its hash"
    return ""


class _ChainBroken(Exception):
    def __init__(self, checked: int, event_id: int | None, problem: str) -> None:
        super().__init__(problem)
        self.checked, self.event_id, self.problem = checked, event_id, problem


def _walk_chain(
    chain_id: int,
    head: AuditChainHead | None,
    checkpoints: Sequence[Checkpoint],
    batch_size: int,
    opened: list[int] | None = None,
) -> int:
    """Walk one chain oldest first, then hold its end against its head and checkpoints.

    Returns how many events it has; raises ``_ChainBroken`` (``checked`` counting the
    intact events of this chain before the problem). When ``opened`` is given (the
    general chain), the ids of the chains its ``audit.chain_open`` events open go in it.
    """
    # Positions (1 = oldest event) whose hash something outside the chain remembers.
    expected: dict[int, list[tuple[str, str]]] = {}
    if head is not None and head.count:
        expected.setdefault(head.count, []).append((head.last_hash, "the stored head"))
    for checkpoint in checkpoints:
        expected.setdefault(checkpoint.count, []).append(
            (checkpoint.hash, f"the checkpoint of {checkpoint.at} (line {checkpoint.line})")
        )
    # Events from before the audit key can only be the oldest of the general chain.
    legacy = head.legacy_count if head is not None and chain_id == GENERAL_CHAIN else 0

    expected_prev, position, last_id = GENESIS, 0, 0
    events = AuditEvent.objects.filter(chain=chain_id).order_by("id")
    while True:
        batch = list(events.filter(id__gt=last_id)[:batch_size])
        if not batch:
            break
        for event in batch:
            position += 1
            problem = _event_problem(event, position, expected_prev, legacy)
            if not problem and chain_id != GENERAL_CHAIN and event.service_id != chain_id:
                problem = f"it names service {event.service_id} but sits in this chain"
            for remembered, source in expected.get(position, ()):
                if not problem and not hmac.compare_digest(remembered, event.hash):
                    problem = (
                        f"it is event number {position}, whose hash {source} remembers as "
                        f"{remembered[:16]}…: the chain was rewritten here or before"
                    )
            if problem:
                raise _ChainBroken(position - 1, event.pk, problem)
            if opened is not None and event.action == CHAIN_OPEN:
                # The event verified, so its object id is what the application wrote.
                if not event.object_id.isdigit():
                    raise _ChainBroken(
                        position - 1, event.pk, f"it opens a chain named {event.object_id!r}"
                    )
                opened.append(int(event.object_id))
            expected_prev = event.hash
        last_id = batch[-1].pk

    longest = max(expected, default=0)
    if longest > position:
        _, source = expected[longest][0]
        first_missing = position + 1
        missing = (
            f"event number {first_missing} is missing"
            if longest == first_missing
            else f"events number {first_missing} to {longest} are missing"
        )
        raise _ChainBroken(
            position,
            None,
            f"{missing}: {source} counts {longest} events, the chain ends after {position} "
            f"(last event id {last_id or 'none'}); the newest events were deleted",
        )
    if head is None:
        if position:
            raise _ChainBroken(position, None, "the chain head row is missing")
    elif not head_seal_holds(head):
        raise _ChainBroken(
            position,
            None,
            f"the stored head ({head.count} events, {head.legacy_count} before the audit key) "
            "is not sealed by any configured audit key: it was rewritten without the key",
        )
    return position


def audit_chain_verify(
    *, checkpoints: Sequence[Checkpoint] = (), batch_size: int = 5000
) -> ChainReport:
    """Walk every chain oldest first, holding each one's end against its head and checkpoints.

    The general chain (0) comes first; its ``audit.chain_open`` events say which service
    chains must exist, so a service chain deleted whole (events and head) shows. Each
    chain's head is read just before its walk, so events appended meanwhile simply come
    after it; each batch is its own short query, so no lock or snapshot is held for long.
    The report's counts are totals over all chains.
    """
    heads_total, checked, chains = 0, 0, 0

    def broken(chain_id: int, error: _ChainBroken) -> ChainReport:
        where = "" if chain_id == GENERAL_CHAIN else f"in the chain of service {chain_id}: "
        return ChainReport(
            checked + error.checked, error.event_id, where + error.problem, heads_total
        )

    def checkpoints_of(chain_id: int) -> list[Checkpoint]:
        return [checkpoint for checkpoint in checkpoints if checkpoint.chain == chain_id]

    # Every chain something in the database knows of, read before the general chain's
    # walk: a chain opened after this read is either opened within the walk (and then
    # checked) or newer than this verification (and left for the next one). Read after
    # the walk, a chain opened meanwhile would look as if nobody had opened it.
    known = set(AuditChainHead.objects.values_list("chain", flat=True))
    known.update(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
    opened: list[int] = []
    head = AuditChainHead.objects.filter(chain=GENERAL_CHAIN).first()
    heads_total += head.count if head else 0
    try:
        checked += _walk_chain(
            GENERAL_CHAIN, head, checkpoints_of(GENERAL_CHAIN), batch_size, opened
        )
    except _ChainBroken as error:
        return broken(GENERAL_CHAIN, error)
    chains += 1

    # ... and every chain the general chain opened or a checkpoint remembers.
    known.update(opened)
    known.update(checkpoint.chain for checkpoint in checkpoints)
    known.discard(GENERAL_CHAIN)
    for chain_id in sorted(known):
        head = AuditChainHead.objects.filter(chain=chain_id).first()
        heads_total += head.count if head else 0
        try:
            times = opened.count(chain_id)
            if times == 0:
                raise _ChainBroken(
                    0,
                    None,
                    f"the general chain has no {CHAIN_OPEN} event for it: it was not "
                    "opened by the application",
                )
            if times > 1:
                raise _ChainBroken(
                    0,
                    None,
                    f"the general chain opened it {times} times: its head was deleted "
                    "and the chain started over",
                )
            if head is None:
                raise _ChainBroken(
                    0,
                    None,
                    "the general chain says it was opened, but its head row is missing: "
                    "the chain was deleted",
                )
            checked += _walk_chain(chain_id, head, checkpoints_of(chain_id), batch_size)
        except _ChainBroken as error:
            return broken(chain_id, error)
        chains += 1
    return ChainReport(checked, None, "", heads_total, len(checkpoints), chains)


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:  # type: ignore[no-untyped-def]
    """Admins see the events of their services, and their own sign-in events."""
    ids = policy.service_ids(user, "audit.view")
    return AuditEvent.objects.filter(service_id__in=ids)


def audit_action_filter(query: Any) -> str:
    """The audit log's action filter from a query string (the page and its file share it)."""
    return str(query.get("action", "")).strip()[:60]


def audit_events_for_list(user, action: str = "") -> QuerySet[AuditEvent]:  # type: ignore[no-untyped-def]
    """The audit log page: the person's services' events, newest first."""
    events = audit_events_visible_to(user)
    return events.filter(action=action) if action else events
