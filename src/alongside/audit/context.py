"""Who is acting, and in which request, without threading it through every call."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None


current: ContextVar[RequestContext] = ContextVar("alongside_request", default=RequestContext())  # noqa: B039 - frozen
