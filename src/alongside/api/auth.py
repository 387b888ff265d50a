"""Bearer-token authentication for the API: who the caller is, how often they may
call, and whether this token's scopes cover the operation.

Order of checks: an unknown, revoked or expired token is 401; a token past its rate
limit is 429 with ``Retry-After``; a token without the operation's scope is 403
naming the scope. After that the operation's own policy and selectors decide, as in
the pages (an object out of reach is 404): a scope never grants more than the user
may do.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from alongside.accounts import rate_limits
from alongside.accounts.selectors import api_token_for_secret
from alongside.api.problems import ApiProblem

API_ROOT = "/api/v1/"
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Operations any live token may call: who the token belongs to.
OPEN = frozenset({"me"})
# The first path segment names the resource, whose scope is `<family>:read` for reads
# and `<family>:write` for the rest. A segment not listed here gives a scope that no
# token can hold (fail closed), and tests/api/test_scopes.py fails until it is mapped.
FAMILIES = {
    "services": "services",
    "mentors": "mentors",
    "patients": "patients",
    "matches": "matches",
    "contacts": "contacts",
    "notifications": "notifications",
    "fhir": "patients",
    "reports": "reports",
}
# Operations whose scope is not their resource's: (method, path below /api/v1/).
EXCEPTIONS = {("POST", "patients/referrals"): "referrals:write"}


def required_scope(method: str, path: str) -> str | None:
    """The scope an operation needs, from its method and path (a request path or the
    schema's path template); None for the operations any token may call."""
    rest = path.split(API_ROOT, 1)[-1].strip("/")
    method = method.upper()
    if (method, rest) in EXCEPTIONS:
        return EXCEPTIONS[(method, rest)]
    segment = rest.split("/", 1)[0]
    if segment in OPEN:
        return None
    family = FAMILIES.get(segment, segment)
    return f"{family}:{'read' if method in READ_METHODS else 'write'}"


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are issued per user (UI or `issue_token`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_for_secret(token)
        if api_token is None:
            return None
        request.user = api_token.user
        limit = settings.ALONGSIDE_API_RATE_LIMIT
        if limit > 0:
            wait = rate_limits.retry_after(
                "api-token",
                str(api_token.pk),
                limit=limit,
                window_seconds=settings.ALONGSIDE_API_RATE_WINDOW,
            )
            if wait:
                raise ApiProblem(
                    429,
                    f"This token may make {limit} requests every "
                    f"{settings.ALONGSIDE_API_RATE_WINDOW} seconds; try again in {wait} s.",
                    headers={"Retry-After": str(wait)},
                )
        scope = required_scope(request.method or "GET", request.path_info)
        if scope is not None and scope not in api_token.scopes:
            raise ApiProblem(
                403,
                f"This token does not have the scope {scope}, which this operation needs. "
                "Create a token with it on the API tokens page.",
                required_scope=scope,
            )
        return api_token.user


def declare_scopes(schema: dict[str, Any]) -> dict[str, Any]:
    """Write each operation's scope into the schema: its security requirement (OpenAPI
    3.1 allows role names for a bearer scheme) and a sentence in its description."""
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if "security" not in operation:
                continue
            scope = required_scope(method, path)
            operation["security"] = [
                {name: [scope] if scope else [] for req in operation["security"] for name in req}
            ]
            note = f"Needs the scope `{scope}`." if scope else "Any valid token may call this."
            operation["description"] = (operation.get("description", "") + "\n\n" + note).strip()
    return schema
