"""``Idempotency-Key`` for the API's create operations (referrals, contacts).

A client that did not hear back may send the same POST again with the same key: the
first request's answer comes back (``Idempotent-Replayed: true``) and nothing new is
created. The same key with a different method, path or body is a 422. Keys belong to
the user, last 24 hours, and are only kept when the create succeeded: a request
refused (422, 409, 404) leaves no key behind, so it can be corrected and retried.

Only the created record's id is kept with the key; the retry's answer is the record
read again through the same selectors (so audited, and 404 if it is no longer the
caller's to see).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Header

from alongside.accounts.http import AuthenticatedApiRequest
from alongside.api import services
from alongside.api.problems import ApiProblem, FieldProblem

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

T = TypeVar("T")

# A view's parameter declaring the header (documented in the schema, checked by ninja).
KeyHeader: Any = Header(
    None,
    alias=HEADER,
    min_length=1,
    max_length=MAX_KEY_LENGTH,
    description="Send the same key when retrying a create: it happens at most once "
    "(keys last 24 hours; the same key with a different body is a 422).",
)


def fingerprint(request: HttpRequest) -> str:
    """What the request asked for: method, path and its JSON body in a canonical form."""
    try:
        body: Any = json.loads(request.body or b"null")
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = f"{request.method} {request.path_info}\n{canonical}"
    return hashlib.sha256(text.encode()).hexdigest()


def once(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    key: str | None,
    *,
    create: Callable[[], tuple[int, T]],
    replay: Callable[[int], T],
) -> T:
    """Run ``create`` (returning the new record's id and the answer) at most once per
    key; a retry gets ``replay(id)``. Without a key, ``create`` simply runs."""
    if key is None:
        return create()[1]
    user = request.auth
    wanted = fingerprint(request)
    with transaction.atomic():
        record, first = services.idempotency_key_claim(user=user, key=key, fingerprint=wanted)
        if not first:
            if record.fingerprint != wanted:
                raise ApiProblem(
                    422,
                    f"This {HEADER} was already used for a different request. "
                    "Use a new key for a new request.",
                    errors=[FieldProblem(field=HEADER, message="used for a different request")],
                )
            if record.object_id is None:  # pragma: no cover - only if a create stored no id
                raise ApiProblem(409, "The first request with this key has not finished.")
            response["Idempotent-Replayed"] = "true"
            return replay(record.object_id)
        object_id, answer = create()
        services.idempotency_key_settle(record, object_id)
    return answer
