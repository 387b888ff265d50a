"""The REST API at /api/v1/: one router per app, bearer-token auth throughout."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from ninja import NinjaAPI
from ninja.constants import NOT_SET
from ninja.openapi.schema import OpenAPISchema

from alongside import __version__
from alongside.api import (
    accounts,
    contacts,
    exports,
    fhir,
    matches,
    mentors,
    notifications,
    patients,
    problems,
    questionnaires,
    reports,
)
from alongside.api.auth import BearerToken, SessionCookie, declare_scopes
from alongside.api.parser import StorableTextParser


class AlongsideAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        throttled = settings.ALONGSIDE_API_RATE_LIMIT > 0 or self.throttle not in (
            NOT_SET,
            None,
            [],
        )
        problems.declare_problems(schema, throttled=throttled)
        declare_scopes(schema)
        return schema


api = AlongsideAPI(
    title="Alongside API",
    version=__version__,
    description="Early intervention vocational rehabilitation with peer mentoring.",
    # A script's token, or the signed-in session of the pages' own htmx calls.
    auth=[BearerToken(), SessionCookie()],
    urls_namespace="api",
    parser=StorableTextParser(),
)

problems.install(api)


api.add_router("/", accounts.router)
api.add_router("/mentors", mentors.router)
api.add_router("/patients", patients.router)
api.add_router("/matches", matches.router)
api.add_router("/contacts", contacts.router)
api.add_router("/notifications", notifications.router)
api.add_router("/fhir", fhir.router)
api.add_router("/reports", reports.router)
api.add_router("/questionnaires", questionnaires.router)
api.add_router("/exports", exports.router)
