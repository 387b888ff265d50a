"""The REST API at /api/v1/: one router per app, bearer-token auth throughout."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from alongside import __version__
from alongside.api import accounts, contacts, matches, mentors, notifications, patients
from alongside.api.auth import BearerToken

api = NinjaAPI(
    title="Alongside API",
    version=__version__,
    description="Early intervention vocational rehabilitation with peer mentoring.",
    auth=BearerToken(),
    urls_namespace="api",
)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "Not found"}, status=404)


api.add_router("/", accounts.router)
api.add_router("/mentors", mentors.router)
api.add_router("/patients", patients.router)
api.add_router("/matches", matches.router)
api.add_router("/contacts", contacts.router)
api.add_router("/notifications", notifications.router)
