"""Every list pages in the database and nothing truncates: the pairs page once stopped
at 1,000 pairs without saying so (issue 18)."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.contacts import pair_states, selectors
from alongside.matches.models import Match
from tests.contacts.factories import ContactFactory, active_match
from tests.matches.factories import ready_mentor

pytestmark = pytest.mark.django_db


def _pair_link_pattern() -> re.Pattern[str]:
    # The match page's URL shape, read from the URL conf rather than typed here.
    url = reverse("contacts:match", args=[987654321])
    return re.compile('href="' + re.escape(url).replace("987654321", r"(\d+)") + '"')


def _walk(client, url: str, pattern: re.Pattern[str]) -> tuple[list[int], list[int]]:
    """Every id linked across every page of ``url``, and the queries each page took."""
    ids: list[int] = []
    queries: list[int] = []
    page = 1
    while True:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, {"page": page})
        assert response.status_code == 200
        body = response.content.decode()
        ids.extend(int(i) for i in pattern.findall(body))
        queries.append(len(ctx.captured_queries))
        if 'rel="next"' not in body:
            return ids, queries
        page += 1


def test_pairs_pages_show_every_one_of_1500_pairs_once(world) -> None:
    mentors = [ready_mentor(world.home) for _ in range(30)]
    made = [
        active_match(world.home, days_ago=10 + i % 90, mentor=mentors[i % 30]) for i in range(1500)
    ]
    client = world.client_for("therapist")
    ids, queries = _walk(client, reverse("contacts:pairs"), _pair_link_pattern())
    expected = {m.pk for m in made} | set(
        Match.objects.filter(service=world.home, status="active").values_list("pk", flat=True)
    )
    assert len(ids) == len(set(ids)), "a pair appeared on two pages"
    assert set(ids) == expected
    # The cost of a page does not grow with how far into the list it is.
    assert max(queries[1:-1]) <= queries[0] + 1


def test_sql_engagement_state_agrees_with_the_pure_rule(world) -> None:
    rng = random.Random(18)
    today = timezone.localdate()
    made = []
    for _ in range(120):
        match = active_match(world.home, days_ago=rng.randint(0, 120))
        for _ in range(rng.choice([0, 0, 1, 2, 5])):
            # Some contacts fall before the start or after today: the rule clamps/ignores them.
            ContactFactory(
                match=match,
                contact_at=timezone.now()
                - dt.timedelta(days=rng.randint(-3, 130), hours=rng.randint(0, 23)),
            )
        made.append(match)
    pure = selectors.engagement_for_matches(made, today)
    annotated = pair_states.with_engagement_state(
        Match.objects.filter(pk__in=[m.pk for m in made]), [world.home.pk], today
    )
    for row in annotated:
        expected = pure[row.pk]
        assert row.engagement_state == expected.state.value, row.pk
        assert (row.attention == 0) == expected.needs_attention, row.pk


def test_waiting_list_pages_show_every_waiting_patient_once(world) -> None:
    from alongside.matches.selectors import waiting_patients
    from tests.matches.factories import waiting_patient

    for i in range(160):
        waiting_patient(world.home, family_name=f"Waiting{i:03d}")
    expected = {p.pk for p in waiting_patients(world.home)}
    url = reverse("patients:detail", args=[987654321])
    pattern = re.compile('href="' + re.escape(url).replace("987654321", r"(\d+)") + '"')
    client = world.client_for("therapist")
    ids, queries = _walk(client, reverse("matches:waiting", args=[world.home.slug]), pattern)
    assert len(ids) == len(set(ids)) and set(ids) == expected
    assert len(queries) == 4 and max(queries) <= queries[0] + 1


def _link_pattern(name: str) -> re.Pattern[str]:
    url = reverse(name, args=[987654321])
    return re.compile('href="' + re.escape(url).replace("987654321", r"(\d+)") + '"')


def test_concerns_inbox_pages_show_every_concern_once(world) -> None:
    """The inbox once stopped at 200 concerns without saying so."""
    from alongside.contacts.models import Concern

    match = active_match(world.home)
    contact = ContactFactory(match=match)
    made = Concern.objects.bulk_create(
        Concern(contact=contact, service=world.home, kind="other", description=f"Concern {i}")
        for i in range(230)
    )
    ids, queries = _walk(
        world.client_for("therapist"),
        reverse("contacts:concerns"),
        _link_pattern("contacts:concern"),
    )
    assert len(ids) == len(set(ids)), "a concern appeared on two pages"
    assert {c.pk for c in made} <= set(ids)
    assert len(queries) >= 5 and max(queries[1:-1]) <= queries[0] + 1


def test_page_links_keep_the_list_filters(world) -> None:
    """Every list's page links carry its filters: the matches list once sent ?page=2
    alone, so page 2 of "needs review" showed every match."""
    for i in range(60):
        active_match(world.home, days_ago=5 + i)
    body = (
        world.client_for("therapist")
        .get(reverse("matches:list"), {"status": "active"})
        .content.decode()
    )
    assert 'rel="next"' in body
    next_link = re.search(r'href="([^"]+)" rel="next"', body)
    assert next_link and "status=active" in next_link.group(1) and "page=2" in next_link.group(1)
