"""Every filter and sort the list pages and API lists offer is served by an index
(issue 18): each query those pages run on the large tables is EXPLAINed on PostgreSQL
and no plan may scan a large table sequentially.

The data is the national generator's on a reduced plan, so the rows have the shapes
and spreads of the real load. PostgreSQL rightly prefers a sequential scan for a table
of a few thousand rows whatever indexes exist, so the plans are taken with
``enable_seqscan = off``: the planner then uses any index that can serve the query, and
a sequential scan left in a plan means that no index can — a missing index, or a
filter written so that none applies (a function around the column, a leading
wildcard). That is what this test is for; the timings at full size are in
docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.accounts.models import User
from alongside.accounts.services import api_token_issue
from alongside.demo.national import NationalPlan, national_load, sign_ins, slug_of
from alongside.matches.models import Match
from alongside.patients.models import Patient
from tests.personas import sign_in

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="EXPLAIN plans are checked on PostgreSQL"
    ),
]

PLAN = NationalPlan(services=4, factor=0.05, seed=11, today=dt.date(2026, 6, 15))

# The tables that grow with the service: a sequential scan of any of them on a list page
# is a page that slows down as the network grows.
LARGE_TABLES = {
    "patients_patient",
    "patients_consent",
    "patients_goal",
    "patients_workstatus",
    "mentors_mentor",
    "matches_match",
    "contacts_contact",
    "contacts_concern",
    "outcomes_questionnairedue",
    "outcomes_questionnaireresponse",
    "notifications_notification",
    "audit_auditevent",
}


def _scans(plan: dict[str, Any]) -> Iterator[tuple[str, str]]:
    yield plan["Node Type"], plan.get("Relation Name", "")
    for child in plan.get("Plans", ()):
        yield from _scans(child)


def _sequential_scans(sql: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (raw,) = cursor.fetchone()
        cursor.execute("SET LOCAL enable_seqscan = on")
    plan = (raw if isinstance(raw, list) else json.loads(raw))[0]["Plan"]
    return {table for node, table in _scans(plan) if node == "Seq Scan" and table in LARGE_TABLES}


def _page_urls() -> list[tuple[str, str, dict[str, str]]]:
    """(role, url, query) for every list page and API list, with each filter it offers."""
    slug = slug_of(0)
    patient = Patient.objects.filter(service__slug=slug, status="active").order_by("pk").first()
    assert patient is not None
    match = Match.objects.filter(service__slug=slug, status="active").order_by("pk").first()
    assert match is not None
    pages = [
        ("therapist", reverse("patients:list"), {}),
        ("therapist", reverse("patients:list"), {"status": "active"}),
        ("therapist", reverse("patients:list"), {"q": "Sm"}),
        ("therapist", reverse("patients:list"), {"overdue": "1"}),
        ("therapist", reverse("patients:detail", args=[patient.pk]), {}),
        ("therapist", reverse("matches:list"), {}),
        ("therapist", reverse("matches:list"), {"status": "active"}),
        ("therapist", reverse("matches:list"), {"needs_review": "on"}),
        ("therapist", reverse("matches:waiting", args=[slug]), {}),
        ("therapist", reverse("contacts:pairs"), {}),
        ("therapist", reverse("contacts:pairs"), {"state": "quiet", "mine": "1"}),
        ("therapist", reverse("contacts:concerns"), {}),
        ("therapist", reverse("contacts:concerns"), {"status": "open"}),
        ("therapist", reverse("contacts:match", args=[match.pk]), {}),
        ("therapist", reverse("mentors:list"), {}),
        ("therapist", reverse("mentors:expenses"), {}),
        ("therapist", reverse("accounts:home"), {}),
        ("manager", reverse("accounts:home"), {}),
        ("mentor", reverse("accounts:home"), {}),
        ("mentor", reverse("contacts:mine"), {}),
        ("api", "/api/v1/patients", {}),
        ("api", "/api/v1/patients", {"status": "active"}),
        ("api", "/api/v1/matches", {}),
        ("api", "/api/v1/contacts/", {}),
        ("api", "/api/v1/mentors", {}),
    ]
    return pages


def test_no_list_query_scans_a_large_table(client) -> None:
    national_load(PLAN, log=lambda _: None)
    people = {role: User.objects.get(email=email) for role, email in sign_ins(0).items()}
    _, secret = api_token_issue(user=people["therapist"], name="explain")
    # The check itself can fail: a filter on a column without an index is named.
    assert _sequential_scans("SELECT id FROM patients_patient WHERE languages::text = 'x'") == {
        "patients_patient"
    }
    found: dict[str, set[str]] = {}
    examined = 0
    for role, url, query in _page_urls():
        headers: dict[str, str] = {}
        if role == "api":
            headers = {"Authorization": f"Bearer {secret}"}
            client.logout()
        else:
            sign_in(client, people[role])
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query, headers=headers)
        assert response.status_code == 200, (url, query, response.status_code)
        for captured in ctx.captured_queries:
            sql = captured["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            examined += 1
            scans = _sequential_scans(sql)
            if scans:
                found.setdefault(f"{url} {query}", set()).update(scans)
                print(f"{url} {query}: {sorted(scans)}\n  {sql[:600]}")
    print(f"{examined} queries examined")
    assert examined > 100
    assert not found, f"list queries that no index serves (see the output): {found}"
