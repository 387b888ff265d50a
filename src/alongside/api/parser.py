"""The API's request parser: JSON and query strings, refusing text no database can store.

PostgreSQL refuses a NUL character in text, and UTF-8 cannot encode a lone surrogate
(JSON's ``"\\udbcd"``). Either reached a query as a 500; the fuzzer sends both. They are
refused here, once for every operation: in a query string as a 422 naming the
parameter, in a body as ninja's 400 for a body it cannot parse.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

MESSAGE = "Text may not contain NUL or unpaired surrogate characters."


def _storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable(value: Any, where: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    if isinstance(value, str):
        return [] if _storable(value) else [where]
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += unstorable(key, where) if isinstance(key, str) else []
            found += unstorable(item, (*where, key))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in unstorable(item, (*where, i))]
    return []


def _refuse(places: list[tuple[Any, ...]]) -> None:
    if places:
        raise ValidationError([{"loc": place, "msg": MESSAGE} for place in places])


class StorableTextParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        _refuse(unstorable(data, ("body",)))
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        _refuse(unstorable(result, ("query",)))
        return result
