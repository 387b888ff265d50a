"""Error pages in plain words, with the right status and never a traceback."""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def _api_problem(request: HttpRequest, status: int, detail: str) -> HttpResponse | None:
    """Under /api/ an error is a problem document, never an HTML page: these handlers
    catch what happens outside the API's own handlers (an unknown path, a crash)."""
    if not request.path.startswith("/api/"):
        return None
    from alongside.api.problems import problem_response

    return problem_response(status, detail)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _api_problem(request, 404, "Not found.") or render(request, "404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        too_big = _api_problem(request, 413, "The request body is larger than the limit.")
        if too_big:
            return too_big
    return _api_problem(request, 400, "Bad request.") or render(request, "400.html", status=400)


def _database_unavailable() -> bool:
    """Whether the error being handled is the database not answering.

    Django calls the 500 handler inside its ``except`` block, so the exception is
    still at hand: a lost or refused connection (OperationalError, or
    InterfaceError on a closed one) is an outage, not a bug, and gets a 503.
    """
    error = sys.exc_info()[1]
    return isinstance(error, OperationalError | InterfaceError)


def service_unavailable(request: HttpRequest) -> HttpResponse:
    problem = _api_problem(request, 503, "The database is not answering; try again shortly.")
    response = problem or HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    if _database_unavailable():
        return service_unavailable(request)
    problem = _api_problem(request, 500, "Something went wrong on our side; it was logged.")
    if problem:
        return problem
    # No context processors: the failure may be in one of them.
    return HttpResponse(loader.get_template("500.html").render(), status=500)
