"""Cursor pagination for every list of the API.

A list answers ``{"items": [...], "next": "<cursor>" | null}`` and, when there is a
next page, an RFC 8288 ``Link: <…?cursor=…>; rel="next"`` header. A cursor is opaque:
the keyset of the last row sent (its stable order, e.g. ``(created_at, id)``) and the
filters it was made for, signed with the site's secret. A cursor that does not verify,
or is sent with other filters than it was made for, answers 422 naming ``cursor``.

Keyset, not offset: a row added or removed while a client walks the pages neither
repeats nor skips another row, and a late page costs what the first does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from operator import attrgetter
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from pydantic import create_model

from alongside.api.problems import ApiProblem, FieldProblem
from alongside.core import text_limits

SALT = "alongside.api.cursor"
MAX_LIMIT = 500
DEFAULT_LIMIT = 100
# A cursor is a few dozen characters; anything much longer is not one of ours.
CURSOR_MAX = 500

T = TypeVar("T")


class PageIn(Schema):
    """The paging parameters every list takes (with its own filters)."""

    cursor: str = Field("", max_length=CURSOR_MAX)
    limit: int = DEFAULT_LIMIT


class OffsetPageIn(PageIn):
    """Lists that took ``offset`` before cursors keep it, for a first page only."""

    offset: int = Field(0, le=text_limits.LIST_OFFSET)


@cache
def page_of(item: type[Schema]) -> type[Schema]:
    """The page schema for ``item``: ``{"items": [item], "next": str | null}``."""
    return create_model(  # type: ignore[call-overload, no-any-return]
        f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next=(str | None, None),
    )


def _bad_cursor(message: str) -> ApiProblem:
    return ApiProblem(
        422,
        "The cursor is not valid: use the `next` of the page before, with the same filters.",
        errors=[FieldProblem(field="cursor", message=message)],
    )


def _encode(value: Any) -> Any:
    """A keyset value as JSON: times and dates tagged, so they read back as themselves."""
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    return value


def _decode_value(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"t"} and isinstance(value["t"], str):
        return dt.datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and set(value) == {"d"} and isinstance(value["d"], str):
        return dt.date.fromisoformat(value["d"])
    if isinstance(value, int | str) and not isinstance(value, bool):
        return value
    raise ValueError(value)


def _filters_digest(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Keyset:
    """A list's stable order: model fields, the last of them unique (the pk); for an
    already computed list, attributes (dotted: ``match.pk``)."""

    fields: tuple[str, ...] = ("pk",)
    descending: bool = False

    def raw(self, obj: Any) -> list[Any]:
        return [attrgetter(f)(obj) for f in self.fields]

    def of(self, obj: Any) -> list[Any]:
        """The row's keyset as the cursor carries it (JSON values)."""
        return [_encode(v) for v in self.raw(obj)]


def _decode(keyset: Keyset, values: Sequence[Any]) -> list[Any]:
    if len(values) != len(keyset.fields):
        raise _bad_cursor("This cursor belongs to another list.")
    try:
        return [_decode_value(v) for v in values]
    except ValueError as error:
        raise _bad_cursor("This cursor belongs to another list.") from error


def _after(keyset: Keyset, values: list[Any]) -> Q:
    """Rows strictly after ``values`` in the keyset order (row-value comparison spelt
    out, so every database and every index on the fields can serve it)."""
    op = "lt" if keyset.descending else "gt"
    condition = Q()
    for i, name in enumerate(keyset.fields):
        step = Q(**{f"{name}__{op}": values[i]})
        for earlier, value in zip(keyset.fields[:i], values[:i], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def _read_cursor(request_cursor: str, op: str, filters: dict[str, Any]) -> list[Any] | None:
    if not request_cursor:
        return None
    try:
        data = signing.loads(request_cursor, salt=SALT)
    except signing.BadSignature as error:
        raise _bad_cursor("This cursor was changed or is not one of ours.") from error
    if not isinstance(data, dict) or data.get("o") != op or not isinstance(data.get("k"), list):
        raise _bad_cursor("This cursor belongs to another list.")
    if data.get("f") != _filters_digest(filters):
        raise _bad_cursor("This cursor was made for other filters.")
    return data["k"]  # type: ignore[no-any-return]


def _make_cursor(op: str, filters: dict[str, Any], key: list[Any]) -> str:
    return signing.dumps({"o": op, "f": _filters_digest(filters), "k": key}, salt=SALT)


def _link(request: HttpRequest, cursor: str) -> str:
    query = request.GET.copy()
    query.pop("offset", None)
    query["cursor"] = cursor
    url = f"{request.build_absolute_uri(request.path)}?{urlencode(list(query.lists()), doseq=True)}"
    return f'<{url}>; rel="next"'


def list_parameters(page: PageIn) -> dict[str, Any]:
    """A list's own parameters (its filters): what it takes beside the paging ones."""
    return page.dict(exclude=set(OffsetPageIn.model_fields))


def paginate(
    request: HttpRequest,
    response: HttpResponse,
    rows: QuerySet[Any] | Iterable[Any],
    page: PageIn,
    *,
    op: str,
    filters: dict[str, Any] | None = None,
    keyset: Keyset = Keyset(),
    out: Callable[[Any], Any] = lambda row: row,
) -> dict[str, Any]:
    """One page of ``rows`` in ``keyset`` order, after ``page.cursor``.

    ``rows`` is a queryset (filtered and sliced in the database, so an audited queryset
    notes only the rows sent) or an already computed list (ordered and cut here).
    ``filters`` are the list's own parameters (by default all that ``page`` takes beside
    the paging ones): a cursor only works with the same ones.
    """
    filters = dict(list_parameters(page) if filters is None else filters)
    limit = max(1, min(page.limit, MAX_LIMIT))
    offset = max(0, getattr(page, "offset", 0)) if not page.cursor else 0
    after = _read_cursor(page.cursor, op, filters)
    if isinstance(rows, QuerySet):
        order = [f"-{f}" if keyset.descending else f for f in keyset.fields]
        queryset = rows.order_by(*order)
        if after is not None:
            queryset = queryset.filter(_after(keyset, _decode(keyset, after)))
        found = list(queryset[offset : offset + limit + 1])
    else:
        listed = sorted(rows, key=keyset.raw, reverse=keyset.descending)
        if after is not None and listed:
            mark = _decode(keyset, after)
            try:
                listed = [
                    r
                    for r in listed
                    if (keyset.raw(r) < mark if keyset.descending else keyset.raw(r) > mark)
                ]
            except TypeError as error:  # a signed cursor of another list
                raise _bad_cursor("This cursor belongs to another list.") from error
        found = listed[offset : offset + limit + 1]
    more = len(found) > limit
    found = found[:limit]
    next_cursor = _make_cursor(op, filters, keyset.of(found[-1])) if more else None
    if next_cursor:
        response["Link"] = _link(request, next_cursor)
    return {"items": [out(row) for row in found], "next": next_cursor}
