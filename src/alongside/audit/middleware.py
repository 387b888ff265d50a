from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from alongside.audit import reads
from alongside.audit.context import RequestContext, current
from alongside.config.client_ip import client_ip

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Give every request an id (kept from X-Request-ID when sane) for the audit trail."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = current.set(RequestContext(request_id=request_id, ip=client_ip(request)))
        ledger = reads.ledger_open()
        response: HttpResponse | None = None
        try:
            response = self.get_response(request)
        finally:
            # One event for everything the request read, written even when the
            # response failed; a redirect shows no records, so it writes none.
            try:
                reads.ledger_close(
                    ledger, write=response is None or not 300 <= response.status_code < 400
                )
            finally:
                current.reset(token)
        response["X-Request-ID"] = request_id
        return response
