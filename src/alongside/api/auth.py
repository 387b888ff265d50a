"""Authentication for the API: a bearer token (scripts) or the signed-in session (the
pages' own htmx calls); who the caller is, how often they may call, and whether this
token's scopes cover the operation.

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
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from alongside.accounts import policy, rate_limits
from alongside.accounts.selectors import api_token_for_secret
from alongside.api.problems import ApiProblem

API_ROOT = "/api/v1/"
BEARER_SCHEME = "BearerToken"  # the schema's name for a token (ninja: the class name)
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
    "questionnaires": "questionnaires",
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


def _rate_limit(kind: str, key: str, who: str) -> None:
    limit = settings.ALONGSIDE_API_RATE_LIMIT
    if limit <= 0:
        return
    window = settings.ALONGSIDE_API_RATE_WINDOW
    wait = rate_limits.retry_after(kind, key, limit=limit, window_seconds=window)
    if wait:
        raise ApiProblem(
            429,
            f"{who} may make {limit} requests every {window} seconds; try again in {wait} s.",
            headers={"Retry-After": str(wait)},
        )


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are issued per user (UI or `issue_token`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_for_secret(token)
        if api_token is None:
            return None
        request.user = api_token.user
        _rate_limit("api-token", str(api_token.pk), "This token")
        scope = required_scope(request.method or "GET", request.path_info)
        if scope is not None and scope not in api_token.scopes:
            raise ApiProblem(
                403,
                f"This token does not have the scope {scope}, which this operation needs. "
                "Create a token with it on the API tokens page.",
                required_scope=scope,
            )
        return api_token.user


class SessionCookie(APIKeyCookie):
    """The signed-in browser session, for the pages' own htmx calls.

    It acts as the person exactly as the pages do — every operation still goes through
    the policy and selectors, so a session never gets more than its user may do — and
    has no scopes to narrow it. Only a complete sign-in counts (staff past their second
    factor, as the pages require). A request that changes something must carry the
    CSRF token (the ``X-CSRFToken`` header the pages' htmx sends, or the form field):
    without it, 403. A request that sends ``Authorization`` is a token request and never
    falls back to the session.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # CSRF is checked below, once the session is known to be the caller's way in.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if not key or "authorization" in request.headers or user is None:
            return None
        if not user.is_authenticated:
            return None
        if (
            settings.REQUIRE_2FA
            and not user.is_verified()  # OTPMiddleware adds is_verified
            and policy.needs_second_factor(user)
        ):
            return None
        if (request.method or "GET") not in READ_METHODS and check_csrf(request) is not None:
            raise ApiProblem(
                403,
                "A signed-in session must send the CSRF token with a request that changes "
                "something (the X-CSRFToken header). Scripts use an API token instead.",
            )
        _rate_limit("api-session", str(user.pk), "A signed-in session")
        return user


def declare_scopes(schema: dict[str, Any]) -> dict[str, Any]:
    """Write each operation's scope into the schema: its security requirement (OpenAPI
    3.1 allows role names for a bearer scheme) and a sentence in its description."""
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            if "security" not in operation:
                continue
            scope = required_scope(method, path)
            # Each requirement is an alternative (a token or the session); only a token
            # carries scopes.
            operation["security"] = [
                {name: [scope] if scope and name == BEARER_SCHEME else [] for name in req}
                for req in operation["security"]
            ]
            note = f"Needs the scope `{scope}`." if scope else "Any valid token may call this."
            operation["description"] = (operation.get("description", "") + "\n\n" + note).strip()
    return schema
