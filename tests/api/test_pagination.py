"""Issue 16: cursor pagination. Walking every page returns every row exactly once, in
the keyset order; a changed, foreign or mismatched cursor is a 422 problem naming it."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from alongside.api.pagination import SALT, _filters_digest
from alongside.contacts.models import Contact
from alongside.notifications.models import Notification
from alongside.patients.models import Patient
from tests.contacts.factories import ContactFactory, home_active_match
from tests.mentors.factories import MentorFactory
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _walk(world, persona: str, url: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Every item of every page, following `next`, checking the Link header agrees."""
    client = Client()
    headers = {"Authorization": f"Bearer {world.token_for(persona)}"}
    sep = "&" if "?" in url else "?"
    response = client.get(f"{url}{sep}limit={limit}", headers=headers)
    items, pages = [], 0
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        assert set(body) == {"items", "next"}
        assert len(body["items"]) <= limit
        items += body["items"]
        pages += 1
        if body["next"] is None:
            assert "Link" not in response
            return items, pages
        link = response["Link"]
        assert link.endswith('>; rel="next"') and link.startswith("<http")
        target = link[1 : link.index(">")]
        assert f"limit={limit}" in target and "cursor=" in target
        parts = urlsplit(target)
        response = client.get(f"{parts.path}?{parts.query}", headers=headers)


def test_walking_the_patients_pages_returns_every_row_once(world) -> None:
    made = PatientFactory.create_batch(11, service=world.home, status="referred")
    PatientFactory.create_batch(3, service=world.home, status="active")
    # Rows created in the same instant: the pk breaks the tie.
    Patient.objects.filter(pk__in=[p.pk for p in made[:6]]).update(created_at=made[0].created_at)
    items, pages = _walk(world, "therapist", "/api/v1/patients?status=referred", 4)
    assert pages == 3
    ids = [i["id"] for i in items]
    assert sorted(ids) == sorted(p.pk for p in made) and len(set(ids)) == len(ids)
    rows = Patient.objects.filter(pk__in=ids)
    assert ids == list(rows.order_by("created_at", "pk").values_list("pk", flat=True))


def test_a_row_added_while_walking_is_neither_repeated_nor_skips_another(world) -> None:
    PatientFactory.create_batch(4, service=world.home)
    headers = {"Authorization": f"Bearer {world.token_for('therapist')}"}
    first = Client().get("/api/v1/patients?limit=2", headers=headers).json()
    late = PatientFactory(service=world.home)
    rest, _ = _walk(world, "therapist", f"/api/v1/patients?cursor={first['next']}", 2)
    ids = [i["id"] for i in first["items"] + rest]
    assert len(ids) == len(set(ids)) == Patient.objects.filter(service=world.home).count()
    assert ids[-1] == late.pk


def test_walking_other_lists(world) -> None:
    for i in range(5):
        MentorFactory(service=world.home, first_name=f"M{i}")
    mentors, _ = _walk(world, "therapist", "/api/v1/mentors", 2)
    assert len({m["id"] for m in mentors}) == len(mentors) >= 5

    match = home_active_match(world)
    now = timezone.now()
    for i in range(5):
        # Two at the same time: the keyset's pk keeps them apart.
        ContactFactory(match=match, contact_at=now - dt.timedelta(days=i // 2 * 2))
    for url in ("/api/v1/contacts/", f"/api/v1/contacts/match/{match.pk}"):
        contacts, pages = _walk(world, "mentor", url, 2)
        ids = [c["id"] for c in contacts]
        assert pages == 3 and sorted(ids) == sorted(Contact.objects.values_list("pk", flat=True))
        expected = Contact.objects.order_by("-contact_at", "-pk").values_list("pk", flat=True)
        assert ids == list(expected)

    user = world.people["patient"]
    for i in range(3):
        Notification.objects.create(
            recipient=user, kind="test", event_key=f"e{i}", subject=f"n{i}", body=""
        )
    notes, _ = _walk(world, "patient", "/api/v1/notifications/", 1)
    assert len({n["id"] for n in notes}) == len(notes) == 3


def _problem(response) -> dict[str, Any]:
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert [e["field"] for e in body["errors"]] == ["cursor"]
    return body


def test_a_tampered_or_foreign_cursor_is_a_422_problem(world) -> None:
    PatientFactory.create_batch(3, service=world.home)
    MentorFactory.create_batch(3, service=world.home)
    headers = {"Authorization": f"Bearer {world.token_for('therapist')}"}
    client = Client()
    cursor = client.get("/api/v1/patients?limit=1", headers=headers).json()["next"]
    for bad in (
        cursor[:-2] + ("AA" if not cursor.endswith("AA") else "BB"),  # signature changed
        "x" + cursor,  # payload changed
        "not-a-cursor",
        signing.dumps({"o": "patients", "f": "", "k": [1, 2]}, salt="another salt"),
    ):
        _problem(client.get(f"/api/v1/patients?cursor={bad}", headers=headers))
    # A genuine cursor of another list, or with other filters, is refused too.
    mentors = client.get("/api/v1/mentors?limit=1", headers=headers).json()["next"]
    assert "another list" in str(
        _problem(client.get(f"/api/v1/patients?cursor={mentors}", headers=headers))
    )
    assert "other filters" in str(
        _problem(client.get(f"/api/v1/patients?status=active&cursor={cursor}", headers=headers))
    )
    # Signed by us but of a shape no list makes (cannot be forged without the secret).
    digest = _filters_digest({"status": "", "therapist": "", "overdue": False})
    odd = signing.dumps({"o": "patients", "f": digest, "k": [{"t": 5}, "x"]}, salt=SALT)
    _problem(client.get(f"/api/v1/patients?cursor={odd}", headers=headers))


def test_offset_still_works_for_a_first_page(world) -> None:
    PatientFactory.create_batch(5, service=world.home)
    headers = {"Authorization": f"Bearer {world.token_for('therapist')}"}
    everything = Client().get("/api/v1/patients", headers=headers).json()["items"]
    page = Client().get("/api/v1/patients?offset=2&limit=2", headers=headers).json()
    assert [p["id"] for p in page["items"]] == [p["id"] for p in everything[2:4]]
    rest = Client().get(f"/api/v1/patients?cursor={page['next']}", headers=headers).json()
    assert [p["id"] for p in rest["items"]] == [p["id"] for p in everything[4:]]
