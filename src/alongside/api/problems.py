"""One error shape for the whole API: RFC 9457 problem details.

Every error the API answers — 400, 401, 403, 404, 409, 413, 422, 429 — is a ``Problem`` served
as ``application/problem+json``: ``type`` (``about:blank``: the status says it all),
``title`` (the status phrase), ``status``, ``detail`` (plain words) and, for a 422,
``errors`` naming each field and what is wrong with it. Handlers here turn the
exceptions views and services raise into that shape, so no view builds an error body,
and ``declare_problems`` writes the same responses into every operation of the schema.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestValidationError

from alongside.core import NotFound

logger = logging.getLogger("alongside.api")

MEDIA_TYPE = "application/problem+json"
SCHEMA_NAME = "Problem"
SCHEMA_REF = f"#/components/schemas/{SCHEMA_NAME}"

# Declared for every operation; 413 only where a request body is read.
EVERY_OPERATION = {
    401: "No valid bearer token",
    403: "The token does not have the scope this operation needs (`required_scope`)",
    404: "Not found, or not yours to see",
    422: "The request has problems; `errors` names each field",
}
WITH_BODY = {
    400: "The request body is not valid JSON",
    413: "The request body is larger than the limit",
}
THROTTLED = {429: "Too many requests for this token; try again after `Retry-After` seconds"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until the token may call again",
        "schema": {"type": "integer", "minimum": 1},
    }
}
BODY_METHODS = {"post", "put", "patch"}


class FieldProblem(Schema):
    field: str  # "" for a problem with the request as a whole
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with ``errors`` for validation problems."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    errors: list[FieldProblem] = []
    existing_id: int | None = None  # a 409 duplicate: the record that already exists
    required_scope: str | None = None  # a 403: the token scope the operation needs


class ApiProblem(Exception):
    """Raise from a view to answer with a problem, e.g. ``ApiProblem(409, "…")``."""

    def __init__(
        self, status: int, detail: str, headers: Mapping[str, str] | None = None, **extra: Any
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra = extra


def problem_response(
    status: int,
    detail: str = "",
    errors: Iterable[FieldProblem] = (),
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body = Problem(
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        errors=list(errors),
        **extra,
    )
    return JsonResponse(
        body.model_dump(exclude_none=True),
        status=status,
        content_type=MEDIA_TYPE,
        headers=dict(headers or {}),
    )


def field_problems(error: DjangoValidationError) -> list[FieldProblem]:
    """A service's ValidationError as a list of (field, message); "" for the whole."""
    if hasattr(error, "error_dict"):
        return [
            FieldProblem(field="" if field == "__all__" else field, message=message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [FieldProblem(field="", message=message) for message in error.messages]


def refusal(error: DjangoValidationError, sent: Iterable[str]) -> Exception:
    """A service's refusal as the API answers it.

    When the service names something the request sent (a missing ``reason``), the request
    has a problem: the error itself, answered 422 with ``errors`` naming the field. When
    it names nothing the request sent (the match's ``status``, the patient's ``consent``),
    the request was well formed but the record's state refuses it now: 409, with the
    service's words as ``detail``. Raise what this returns.
    """
    problems = field_problems(error)
    fields = set(sent)
    if any(p.field in fields for p in problems):
        return error
    detail = " ".join(p.message for p in problems)
    return ApiProblem(409, detail, errors=problems)


def _request_field(location: Iterable[Any]) -> str:
    """ninja's error location ("body", "payload", "mode") as the field a client sent."""
    parts = [str(p) for p in location]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie", "form"}:
        parts = parts[1:]
        # A body or query schema parameter adds its own name first (`payload`, `filters`).
        if len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    """Register the handlers that give every API error the one problem shape."""

    # django-ninja types a handler's exception as the instance or its class.
    def _not_found(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        return problem_response(404, "Not found.")

    # The domain's NotFound (services, selectors, policy) and Django's Http404
    # (a view's own lookup) are one answer: the same 404 problem document.
    api.add_exception_handler(NotFound, _not_found)
    api.add_exception_handler(Http404, _not_found)

    @api.exception_handler(AuthenticationError)
    def _unauthorised(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem_response(
            401,
            "Send a valid API token: Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem_response(exc.status_code, str(exc))

    @api.exception_handler(RequestValidationError)
    def _bad_request(request: HttpRequest, exc: RequestValidationError) -> HttpResponse:
        errors = [
            FieldProblem(field=_request_field(e.get("loc", ())), message=str(e.get("msg", "")))
            for e in exc.errors
        ]
        return problem_response(422, "The request has problems.", errors)

    @api.exception_handler(DjangoValidationError)
    def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        return problem_response(422, "Nothing was saved.", field_problems(exc))

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        # An oversized body is the client's mistake, not ours: one line, no traceback.
        logger.info("API request body over the size limit: %s %s", request.method, request.path)
        return problem_response(413, "The request body is larger than the limit.")

    @api.exception_handler(ApiProblem)
    def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(exc.status, exc.detail, headers=exc.headers, **exc.extra)


def declare_problems(schema: dict[str, Any], *, throttled: bool = False) -> dict[str, Any]:
    """Add the problem responses to every operation of an OpenAPI document, all
    pointing at the one ``Problem`` schema served as application/problem+json
    (429 too when the API is throttled)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(problem.pop("$defs", {}))
    components[SCHEMA_NAME] = problem
    content = {MEDIA_TYPE: {"schema": {"$ref": SCHEMA_REF}}}
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            # Errors a view declares itself (409, 422) carry the same schema: serve
            # them under the problem media type like the rest.
            for code, response in responses.items():
                declared = response.get("content", {}).get("application/json", {})
                if int(code) >= 400 and declared.get("schema", {}).get("$ref") == SCHEMA_REF:
                    response["content"] = content
            wanted = dict(EVERY_OPERATION)
            if method in BODY_METHODS:
                wanted.update(WITH_BODY)
            if throttled:
                wanted.update(THROTTLED)
            for code, description in wanted.items():
                responses.setdefault(str(code), {"description": description, "content": content})
            if throttled and "429" in responses:
                responses["429"].setdefault("headers", RETRY_AFTER)
    return schema
