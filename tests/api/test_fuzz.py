"""Issue 16: schemathesis fuzzes every operation of /api/v1/openapi.json.

Every default check is on: no 5xx, and status codes, content types, headers and bodies
as the schema declares them. Each operation gets ``ALONGSIDE_FUZZ_EXAMPLES`` generated
requests (100 in the suite, 1,000 with ``make fuzz``), with a fixed seed
(derandomised); successive requests take turns among every persona's token (each
holding every scope), so each operation is fuzzed as every persona.

The operations that act on one record (answering and ending a match, setting a mentor's
availability) would meet only 404s in an empty world: they get records to act on, and
every positive request names one of them (see ``_ON_RECORDS``).
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.personas import PERSONAS, World

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = int(os.environ.get("ALONGSIDE_FUZZ_EXAMPLES", "100"))


def _served_schema() -> dict:
    """The schema as /api/v1/openapi.json serves it (built without a request or database)."""
    from ninja.responses import NinjaJSONEncoder

    from alongside.api.urls import api

    return json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))


schema = schemathesis.openapi.from_dict(_served_schema())
# The coverage phase sends every boundary value of every field (hundreds of requests per
# operation): too many for the everyday suite. Examples and bounded generation only.
schema.config.phases.update(phases=["examples", "fuzzing"])


# The running operation's turns of tokens (set by the test, read by schemathesis's auth).
_current: list[Iterator[str]] = []


@schema.auth(refresh_interval=None)
class _PersonaToken:
    """The personas' tokens in turn, applied by schemathesis itself, so that its negative
    cases (a request without a valid Authorization) really go without one."""

    def get(self, case, ctx):
        return next(_current[-1])

    def set(self, case, data, ctx) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def app(settings):
    # Plain HTTP to "localhost" inside the test process: no HTTPS redirect there. The
    # handler is built after the override, so its middleware reads the test settings.
    settings.SECURE_SSL_REDIRECT = False
    settings.ALLOWED_HOSTS = ["localhost"]
    # As Django's own test client does: the start and end of a request must not close
    # the test's database connection (inside the test's transaction autocommit is off,
    # which close_old_connections takes for a broken connection; SQLite's in-memory test
    # database ignores the close, PostgreSQL's connection really goes).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield WSGIHandler()
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def persona_tokens(world) -> Iterator[None]:
    """Every signed-in persona's token in turn, for the whole operation (function-scoped
    fixtures are made once per test, not once per hypothesis example, and schemathesis
    asks for the token before the test's body runs)."""
    _current[:] = [itertools.cycle([world.token_for(persona) for persona in PERSONAS[1:]])]
    yield
    _current.clear()


def _unstorable(value):
    """Whether generated data holds text the API's parser refuses (api/parser.py)."""
    from alongside.api.parser import unstorable as places

    if value is None or isinstance(value, bytes):
        return False
    return bool(places(value, ()))


def _records(world: World) -> dict[str, list[int]]:
    """The records the acting operations act on, made once per operation's test: the
    mentor persona's own record; a proposal of the patient persona with that mentor, and
    an active match of that mentor with another patient."""
    if "fuzz" not in world.objects:
        from alongside.matches.models import MatchStatus
        from tests.matches.factories import MatchFactory, home_match, waiting_patient
        from tests.mentors.factories import home_mentor

        proposal = home_match(world, MatchStatus.PROPOSED)
        active = MatchFactory(
            service=world.home,
            mentor=home_mentor(world),
            patient=waiting_patient(world.home),
            status=MatchStatus.ACTIVE,
            proposed_by=world.people["therapist"],
        )
        world.objects["fuzz"] = {
            "match_id": [proposal.pk, active.pk],
            "mentor_id": [home_mentor(world).pk],
        }
    return world.objects["fuzz"]


# Operation -> the fields of its body a refusal may name (a mentor's decline without a
# reason, the wrong answer for who is answering, "other" without a note): the schema
# cannot say that such a request is refused, so a 422 naming one of them is right there.
_ON_RECORDS = {
    "/api/v1/matches/{match_id}/respond": {"answer", "reason"},
    "/api/v1/matches/{match_id}/end": {"note"},
    "/api/v1/mentors/{mentor_id}/availability": set(),
    "/api/v1/mentors/me/availability": set(),
}


def _on_a_record(case, world: World) -> bool:
    """Point every positive request of an acting operation at a real record (negative
    ones keep what was generated: an invalid id must still be refused)."""
    records = _records(world)
    if not (case.meta and case.meta.generation.mode.is_positive):
        return False
    turn = _on_a_record.turn = getattr(_on_a_record, "turn", 0) + 1
    params = dict(case.path_parameters or {})
    for name in params:
        if name in records:
            # Each record in turn, shifted against the personas' turns (six of them).
            params[name] = records[name][turn // 7 % len(records[name])]
    case.path_parameters = params
    return True


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, persona_tokens, app, world) -> None:
    case.operation.schema.app = app  # what schemathesis.openapi.from_wsgi sets
    refusable = _ON_RECORDS.get(case.operation.path)
    if refusable is not None and _on_a_record(case, world) and not _unstorable(case.body):
        response = case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance])
        if response.status_code == 422:
            named = {e["field"] for e in response.json()["errors"]}
            assert named and named <= refusable, response.text
        return
    if _unstorable(case.body) or _unstorable(case.query):
        # Text with a NUL or a lone surrogate is refused by the API's parser (no database
        # stores it; see api/parser.py) as a 400 or 422: right, though the schema's
        # "string" allows it. Every other check still runs.
        response = case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance])
        assert response.status_code < 500
        return
    if not (case.query or {}).get("cursor"):
        case.call_and_validate(app=app)
        return
    # A cursor is opaque and signed: one generated from the schema is (all but surely) not
    # ours, so 422 naming `cursor` is the right answer to it, not a rejected valid request.
    # Every other check still runs.
    response = case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance])
    if response.status_code == 422 and case.meta and case.meta.generation.mode.is_positive:
        assert "cursor" in [e["field"] for e in response.json()["errors"]], response.text
