"""Issue 16 (d): schemathesis fuzzes every operation of /api/v1/openapi.json.

Bounded for the everyday suite: a few generated requests per operation with a fixed
seed (derandomised), authenticated as a therapist of the test world with a token
holding every scope. Every default check is on: no 5xx, and status codes, content
types, headers and bodies as the schema declares them.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from hypothesis import HealthCheck, settings

pytestmark = [
    pytest.mark.django_db,
    # On PostgreSQL the in-process handler used here ends up with the test's connection
    # closed after the first request ("the connection is closed"): a harness problem, not
    # an API answer. Until that is fixed the fuzzing runs in the SQLite pass only.
    pytest.mark.skipif(
        "postgres" in os.environ.get("DATABASE_URL", ""),
        reason="the in-process fuzzing harness loses its PostgreSQL test connection",
    ),
]

EXAMPLES_PER_OPERATION = 8


def _served_schema() -> dict:  # type: ignore[type-arg]
    """The schema as /api/v1/openapi.json serves it (built without a request or database)."""
    from ninja.responses import NinjaJSONEncoder

    from alongside.api.urls import api

    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))  # type: ignore[no-any-return]


schema = schemathesis.openapi.from_dict(_served_schema())
# The coverage phase sends every boundary value of every field (hundreds of requests per
# operation): too many for the everyday suite. Examples and bounded generation only.
schema.config.phases.update(phases=["examples", "fuzzing"])


_current = {"token": ""}


@schema.auth(refresh_interval=None)
class _PersonaToken:
    """The test's token, applied by schemathesis itself, so that its negative cases
    (a request without a valid Authorization) really go without one."""

    def get(self, case, ctx):  # type: ignore[no-untyped-def]
        return _current["token"]

    def set(self, case, data, ctx) -> None:  # type: ignore[no-untyped-def]
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def app(settings):  # type: ignore[no-untyped-def]
    # Plain HTTP to "localhost" inside the test process: no HTTPS redirect there. The
    # handler is built after the override, so its middleware reads the test settings.
    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["localhost"]
    return WSGIHandler()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, world, app) -> None:  # type: ignore[no-untyped-def]
    _current["token"] = world.token_for("therapist")
    case.operation.schema.app = app  # what schemathesis.openapi.from_wsgi sets
    case.call_and_validate(app=app)
