"""The main list pages run the same number of queries for 3 rows as for 30.

Each page's count with a few rows is the baseline its count with many rows must equal:
one query more per row is an N+1 (a missing select_related/prefetch_related or a
per-row lookup in a template). The absolute count of every page, per persona, is held
in tests/query_baselines.json by tests/test_access_matrix.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.contacts.models import Concern
from tests.contacts.factories import ContactFactory, active_match
from tests.matches.factories import MatchFactory, waiting_patient
from tests.mentors.factories import MentorFactory
from tests.patients.factories import PatientFactory
from tests.personas import World

FEW, MANY = 3, 30


def _patient(world: World) -> None:
    PatientFactory(service=world.home, allocated_therapist=world.people["therapist"])


def _waiting(world: World) -> None:
    waiting_patient(world.home)


def _mentor(world: World) -> None:
    MentorFactory(service=world.home, supervisor=world.people["therapist"])


def _pair(world: World) -> None:
    ContactFactory(
        match=active_match(world.home, days_ago=60),
        contact_at=timezone.now() - dt.timedelta(days=30),
    )


def _concern(world: World) -> None:
    contact = ContactFactory(match=active_match(world.home))
    Concern.objects.create(
        contact=contact, service=world.home, kind="safeguarding", description="b"
    )


def _match(world: World) -> None:
    MatchFactory(service=world.home)


PAGES: dict[str, tuple[Callable[[World], None], Callable[[World], dict[str, Any]]]] = {
    "patients:list": (_patient, lambda world: {}),
    "matches:waiting": (_waiting, lambda world: {"slug": world.home.slug}),
    "mentors:list": (_mentor, lambda world: {}),
    "contacts:pairs": (_pair, lambda world: {}),
    "contacts:concerns": (_concern, lambda world: {}),
    "matches:list": (_match, lambda world: {}),
}


def _queries(world: World, url: str) -> tuple[int, bytes]:
    client = world.client_for("therapist")
    ContentType.objects.clear_cache()  # a cached content type would hide a query
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries.captured_queries), response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PAGES))
def test_list_page_queries_do_not_grow_with_rows(world: World, name: str) -> None:
    make_row, kwargs = PAGES[name]
    url = reverse(name, kwargs=kwargs(world))
    for _ in range(FEW):
        make_row(world)
    few, few_body = _queries(world, url)
    for _ in range(MANY - FEW):
        make_row(world)
    many, many_body = _queries(world, url)
    assert len(many_body) > len(few_body), f"{name} shows no more with {MANY} rows than {FEW}"
    assert many == few, f"{name}: {few} queries with {FEW} rows, {many} with {MANY}"
