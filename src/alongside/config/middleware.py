"""Three request-wide habits every page shares.

``ServiceTimeZoneMiddleware``: a request runs in its service's time zone. A person
whose services all keep one time zone (nearly everyone: a Melbourne therapist, a
Leeds mentor) sees every time and date in it, so a date shown and a date filled
into a form agree. Someone in services of different zones keeps UTC, and pages
about one service's objects label their times with that service's zone
(``alongside_time`` filters).

``PostOnlyGetRedirectMiddleware``: a GET on a URL that only takes POST (a reload
after an action, a bookmarked form target) goes to the page the form lives on,
not to an empty 405. A view names that page with ``@page_on_get``; otherwise the
nearest parent path that is a page is used.

``NotFoundMiddleware``: the domain's ``alongside.core.NotFound`` (raised by
services, selectors and policy) answers as ``Http404`` does: the same 404 page
through ``handler404``.
"""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils import timezone

from alongside.core import NotFound

GET_PAGE_ATTRIBUTE = "alongside_page_on_get"


def page_on_get(page: Callable[..., str]) -> Callable[[Any], Any]:
    """Name the page a GET on this POST-only view is sent to: ``page(request, **kwargs)``."""

    def decorate(view: Any) -> Any:
        setattr(view, GET_PAGE_ATTRIBUTE, page)
        return view

    return decorate


# The zone is kept in the session for a few minutes, so most pages spend no query on
# it, and a change of the service's zone or of someone's memberships shows soon.
SESSION_KEY = "alongside_time_zone"
SESSION_SECONDS = 300


def service_time_zone_name(user: Any) -> str:
    """The one time zone of all the person's services, or "" (none, or several)."""
    if not getattr(user, "is_authenticated", False):
        return ""
    zones = set(user.memberships.values_list("service__time_zone", flat=True))
    return zones.pop() if len(zones) == 1 else ""


def remember_time_zone(session: Any, user: Any) -> str:
    name = service_time_zone_name(user)
    session[SESSION_KEY] = [user.pk, name, time.time()]
    return name


def _zone_for_request(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return None
    session = getattr(request, "session", None)
    now = time.time()
    cached = session.get(SESSION_KEY) if session is not None else None
    if (
        isinstance(cached, list)
        and len(cached) == 3
        and cached[0] == user.pk  # type: ignore[union-attr]
        and 0 <= now - cached[2] < SESSION_SECONDS
    ):
        name = cached[1]
    elif session is not None:
        name = remember_time_zone(session, user)
    else:
        name = service_time_zone_name(user)
    if not name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class ServiceTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = _zone_for_request(request)
        if zone is None:
            return self.get_response(request)
        timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def _parent_page(path: str) -> str:
    parts = [p for p in path.split("/") if p]
    while parts:
        parts.pop()
        candidate = "/" + "/".join(parts) + ("/" if parts else "")
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if getattr(match.func, GET_PAGE_ATTRIBUTE, None) is None:
            return candidate
    return "/"


class PostOnlyGetRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code != 405
            or request.method not in ("GET", "HEAD")
            or request.path.startswith("/api/")
        ):
            return response
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return response
        page = getattr(match.func, GET_PAGE_ATTRIBUTE, None)
        target = page(request, **match.kwargs) if page is not None else _parent_page(request.path)
        return HttpResponseRedirect(target)


class NotFoundMiddleware:
    """``NotFound`` from a view becomes ``Http404``, so Django's own 404 path answers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, NotFound):
            # Raised here, Django's exception handling renders handler404 exactly as
            # for an Http404 from the view (the 404 page; a problem document under /api/).
            raise Http404(str(exception)) from exception


class IdleSessionMiddleware:
    """The idle timeout without a session write on every request.

    A session expires ``SESSION_COOKIE_AGE`` after it was last saved. Saving it on every
    request (``SESSION_SAVE_EVERY_REQUEST``) cost every page a transaction and an UPDATE
    of its session row (measured in docs/performance.md, "Load"). Here a signed-in
    session is saved, pushing its expiry on, only when its last save is more than
    ``ALONGSIDE_SESSION_REFRESH_SECONDS`` old (60 by default): the timeout then falls
    between ``SESSION_COOKIE_AGE`` minus that many seconds and ``SESSION_COOKIE_AGE``
    after the last request, never later. Sits after the session middleware.
    """

    KEY = "_refreshed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:  # a session the browser already holds
            now = int(time.time())
            if now - int(session.get(self.KEY, 0)) > settings.ALONGSIDE_SESSION_REFRESH_SECONDS:
                mark_session_fresh(session)  # modified, so the session middleware saves it
        return self.get_response(request)


def mark_session_fresh(session: Any) -> None:
    """Note that ``session`` is being saved now (at sign-in too, which saves it anyway), so
    the requests of the next minute do not write it again."""
    session[IdleSessionMiddleware.KEY] = int(time.time())
