"""Auditing identifiable reads: one event per request naming every record it returned.

Selectors mark what they return, either a queryset (``.audited(user, action)``,
which notes the rows actually fetched, so a paginated page names only its page)
or objects already in hand (``record_read(user, action, objects)``). The notes
go into a ledger that ``RequestContextMiddleware`` opens for each request and
flushes, in ``finally``, as ONE ``read`` event: ``fields`` lists the read
actions, ``object_ids`` the typed ids (``patients.patient:12``) of the records
and of the identifiable records loaded with them (``select_related`` /
``prefetch_related``). A redirect returns no records, so it writes no read event.
Outside a request (the command line, tasks) a read is written at once.

Views never audit reads themselves: a page and its API twin call the same
selector, so they cannot differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Self

from django.db import models

READ = "read"
# How deep to follow cached relations (contact -> match -> patient is two steps).
_DEPTH = 3


@dataclass
class _Reads:
    actor: Any
    actions: set[str] = field(default_factory=set)
    ids: dict[str, None] = field(default_factory=dict)  # an ordered set
    services: set[int] = field(default_factory=set)
    top: dict[str, tuple[str, str]] = field(default_factory=dict)  # records asked for


@dataclass
class ReadLedger:
    """What one request has read, per actor (normally one)."""

    reads: dict[Any, _Reads] = field(default_factory=dict)


_ledger: ContextVar[ReadLedger | None] = ContextVar("alongside_read_ledger", default=None)


def ledger_open() -> Token[ReadLedger | None]:
    return _ledger.set(ReadLedger())


def ledger_close(token: Token[ReadLedger | None], *, write: bool = True) -> None:
    """End the request's ledger and, unless told not to, write its event(s)."""
    ledger = _ledger.get()
    _ledger.reset(token)
    if write and ledger is not None:
        for reads in ledger.reads.values():
            _write(reads)


@cache
def is_identifiable(model: type[models.Model]) -> bool:
    """Records about a patient or mentor: their querysets are audited querysets."""
    manager = getattr(model, "_default_manager", None)
    queryset_class = getattr(manager, "_queryset_class", None)
    return isinstance(queryset_class, type) and issubclass(queryset_class, AuditedQuerySet)


def _typed(instance: models.Model) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}"


def _walk(instance: models.Model, reads: _Reads, depth: int, seen: set[int]) -> None:
    """Note ``instance`` and the identifiable records fetched along with it."""
    if id(instance) in seen or instance.pk is None:
        return
    seen.add(id(instance))
    if is_identifiable(type(instance)):
        reads.ids.setdefault(_typed(instance), None)
        service_id = getattr(instance, "service_id", None)
        if isinstance(service_id, int):
            reads.services.add(service_id)
    if depth <= 0:
        return
    for related in instance._state.fields_cache.values():
        if isinstance(related, models.Model):
            _walk(related, reads, depth - 1, seen)
    for cached in getattr(instance, "_prefetched_objects_cache", {}).values():
        for related in getattr(cached, "_result_cache", None) or ():
            if isinstance(related, models.Model):
                _walk(related, reads, depth - 1, seen)


def record_read(
    user: Any,
    action: str,
    objects_or_ids: Iterable[Any],
    *,
    object_type: str = "",
    service_id: int | None = None,
) -> None:
    """Note that ``user`` was shown these records (model instances, or ids of
    ``object_type``; dict rows from ``.values()`` with a ``pk``)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return
    reads = _Reads(actor=user, actions={action})
    seen: set[int] = set()
    for item in objects_or_ids:
        if isinstance(item, models.Model):
            if item.pk is None:
                continue
            reads.top.setdefault(_typed(item), (item._meta.label_lower, str(item.pk)))
            _walk(item, reads, _DEPTH, seen)
            continue
        pk = item.get("pk", item.get("id")) if isinstance(item, dict) else item
        if pk is None or isinstance(pk, tuple | list | dict) or not object_type:
            continue
        typed = f"{object_type}:{pk}"
        reads.top.setdefault(typed, (object_type, str(pk)))
        reads.ids.setdefault(typed, None)
    if service_id is not None:
        reads.services.add(service_id)
    if not reads.ids:
        return
    ledger = _ledger.get()
    if ledger is None:
        _write(reads)
        return
    noted = ledger.reads.setdefault(user.pk, _Reads(actor=user))
    noted.actions |= reads.actions
    noted.services |= reads.services
    for typed in reads.ids:
        noted.ids.setdefault(typed, None)
    for typed, pair in reads.top.items():
        noted.top.setdefault(typed, pair)


def _write(reads: _Reads) -> None:
    from alongside.audit.services import audit_record

    if not reads.ids:
        return
    only = next(iter(reads.top.values())) if len(reads.top) == 1 else ("", "")
    audit_record(
        actor=reads.actor,
        action=READ,
        object_type=only[0],
        object_id=only[1],
        service_id=next(iter(reads.services)) if len(reads.services) == 1 else None,
        fields=sorted(reads.actions),
        object_ids=list(reads.ids),
    )


class AuditedQuerySet(models.QuerySet[Any]):
    """A queryset of identifiable records that can be marked to audit what it fetches.

    ``qs.audited(user, action)`` returns a copy whose fetched rows (however it is
    later filtered, sliced or paginated) are noted with ``record_read``. Counting,
    ``exists()`` and use as a subquery fetch no rows and note nothing.
    """

    _read_audit: tuple[Any, str] | None = None

    def audited(self, user: Any, action: str) -> Self:
        clone = self._chain()  # type: ignore[attr-defined]  # private QuerySet API, not in the stubs
        clone._read_audit = (user, action)
        return clone

    def _clone(self) -> Any:
        clone = super()._clone()  # type: ignore[misc]
        clone._read_audit = self._read_audit
        return clone

    def _fetch_all(self) -> None:
        fresh = self._result_cache is None
        super()._fetch_all()  # type: ignore[misc]
        if fresh and self._read_audit is not None:
            user, action = self._read_audit
            record_read(
                user, action, self._result_cache or (), object_type=self.model._meta.label_lower
            )

    def iterator(self, chunk_size: int | None = None) -> Iterator[Any]:
        if self._read_audit is None:
            yield from super().iterator(chunk_size)
            return
        user, action = self._read_audit
        rows: list[Any] = []
        try:
            for row in super().iterator(chunk_size):
                rows.append(row)
                yield row
        finally:
            record_read(user, action, rows, object_type=self.model._meta.label_lower)
