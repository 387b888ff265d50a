"""Every URL of the project × every persona has an expected outcome, and gets it.

Out-of-scope objects must answer 404 (never 403), so that other services'
records cannot even be shown to exist.

Every successful GET also counts its queries against tests/query_baselines.json (per
database vendor, URL name and persona): a count above its baseline fails. When a rise is
deliberate, or a URL is new, refresh the baselines of the rows you ran with
``ALONGSIDE_REFRESH_QUERY_BASELINES=1 pytest tests/test_access_matrix.py [-k NAME]`` on
SQLite and on PostgreSQL, and commit the file with the change that explains it.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from alongside.audit.services import audit_record
from tests.access import Row
from tests.personas import PERSONAS, build_world


def _url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _url_names(entry, namespace)
        elif isinstance(entry, URLPattern):
            if not entry.name:
                raise AssertionError(
                    f"URL pattern {entry.pattern} has no name; name it for the matrix"
                )
            names.add(prefix + entry.name)
    return names


def _all_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    root = Path(tests.__file__).parent
    for module_info in pkgutil.iter_modules([str(root)]):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}.access_rows")
        except ModuleNotFoundError:
            continue
        for name, row in module.ROWS.items():
            assert name not in rows, f"{name} has two access rows"
            rows[name] = row
    return rows


ROWS = _all_rows()
BASELINES = Path(__file__).with_name("query_baselines.json")
REFRESH = os.environ.get("ALONGSIDE_REFRESH_QUERY_BASELINES") == "1"


def _baselines() -> dict[str, dict[str, dict[str, int]]]:
    if not BASELINES.exists():
        return {}
    loaded: dict[str, dict[str, dict[str, int]]] = json.loads(BASELINES.read_text())
    return loaded


def _check_query_baseline(name: str, counts: dict[str, int]) -> None:
    baselines = _baselines()
    vendor = baselines.setdefault(connection.vendor, {})
    if REFRESH:
        if counts:
            vendor[name] = counts
        else:
            vendor.pop(name, None)
        BASELINES.write_text(json.dumps(baselines, indent=1, sort_keys=True) + "\n")
        return
    known = vendor.get(name, {})
    over = {
        persona: f"{count} > {known.get(persona, 'none')}"
        for persona, count in counts.items()
        if count > known.get(persona, -1)
    }
    assert not over, (
        f"{name} on {connection.vendor}: more queries than tests/query_baselines.json "
        f"allows {over}; if that is deliberate, refresh with "
        f"ALONGSIDE_REFRESH_QUERY_BASELINES=1 (see this module's docstring)"
    )


def test_every_url_has_a_row_for_every_persona() -> None:
    missing = sorted(_url_names() - set(ROWS))
    assert not missing, f"URL patterns without an access-matrix row: {missing}"
    stale = sorted(set(ROWS) - _url_names())
    assert not stale, f"access-matrix rows for URLs that no longer exist: {stale}"
    for name, row in ROWS.items():
        assert set(row.expected) == set(PERSONAS), f"{name} lacks personas"
    for vendor, names in _baselines().items():
        stale = sorted(set(names) - set(ROWS))
        assert not stale, f"query baselines ({vendor}) for URLs without a row: {stale}"


def _request(world: Any, persona: str, name: str, row: Row) -> tuple[int, int, bytes]:
    """The status code, the number of queries the request ran, and the body."""
    url = reverse(name, kwargs=row.kwargs(world))
    client = world.client_for("anonymous" if row.api else persona)
    headers = {}
    if row.api:
        token = world.token_for(persona)
        if token:
            headers["Authorization"] = f"Bearer {token}"
    data = row.data(world) if row.data else None
    ContentType.objects.clear_cache()  # so a count does not depend on the tests before
    with CaptureQueriesContext(connection) as queries:
        if row.json:
            response = getattr(client, row.method)(
                url, data=data, content_type="application/json", headers=headers
            )
        else:
            response = getattr(client, row.method)(url, data=data, headers=headers)
    body = b"" if getattr(response, "streaming", False) else response.content
    return response.status_code, len(queries.captured_queries), body


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROWS))
def test_access(name: str) -> None:
    row = ROWS[name]
    world = build_world()
    # Open the services' audit chains first: the first audited event of a service also
    # creates its chain's head and records the opening in the general chain, once per
    # installation. Counting that against whichever persona comes first would hide a rise
    # in what every request costs.
    for service in (world.home, world.other):
        audit_record(actor=None, action="test.audit_chain_warm", service_id=service.pk)
    actual = {}
    queries = {}
    bodies: dict[str, bytes] = {}
    for persona in PERSONAS:
        if row.fresh_world:
            # Rows that change state (sign out, revoke) run each persona in a
            # savepoint that is rolled back, so every persona meets the same world.
            savepoint = transaction.savepoint()
            actual[persona], queries[persona], bodies[persona] = _request(world, persona, name, row)
            transaction.savepoint_rollback(savepoint)
            world.objects.clear()
        else:
            actual[persona], queries[persona], bodies[persona] = _request(world, persona, name, row)
    assert actual == row.expected
    if row.method == "get":
        # A page just opened has sent nothing, so no form on it has a problem to show (the
        # study page once bound its team form to the empty POST of every GET).
        complaining = [p for p in PERSONAS if actual[p] == 200 and b"error-summary" in bodies[p]]
        assert not complaining, f"{name} opens with an error summary for {complaining}"
        _check_query_baseline(
            name, {persona: queries[persona] for persona in PERSONAS if actual[persona] == 200}
        )
