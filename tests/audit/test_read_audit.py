"""Identifiable reads are audited: one event per request naming every record returned.

The probe walks every URL of the access matrix (pages and API) with every persona
and, wherever a response carries a patient's or mentor's identifiers, finds that
request's event (``X-Request-ID`` <-> ``AuditEvent.request_id``) naming the record.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.http import StreamingHttpResponse
from django.urls import reverse

from alongside.audit import reads
from alongside.audit.chain import CHAIN_OPEN
from alongside.audit.models import AuditEvent
from alongside.mentors.models import Mentor
from alongside.patients.models import Patient
from tests.contacts.factories import ContactFactory, home_contact
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient
from tests.mentors.factories import MentorFactory
from tests.patients.factories import PatientFactory
from tests.personas import PERSONAS, World, build_world, sign_in
from tests.test_access_matrix import ROWS


def _recorded() -> Any:
    """The events requests record, without the general chain's ``audit.chain_open``
    bookkeeping (written once, with the first event of each service)."""
    return AuditEvent.objects.exclude(action=CHAIN_OPEN)


@dataclass(frozen=True)
class Person:
    typed_id: str
    label: str  # for the failure message
    texts: tuple[str, ...]  # any one of these in a page identifies the person
    pairs: tuple[tuple[str, str, str, str], ...]  # JSON keys/values naming them together


def _people() -> list[Person]:
    found = []
    for p in Patient.objects.all():
        texts = [f"{p.given_name} {p.family_name}"]
        if p.hospital_number:
            texts.append(p.hospital_number)
        found.append(
            Person(
                f"patients.patient:{p.pk}",
                texts[0],
                tuple(texts),
                (("given_name", p.given_name, "family_name", p.family_name),),
            )
        )
    for m in Mentor.objects.all():
        name = f"{m.first_name} {m.last_name}"
        found.append(
            Person(
                f"mentors.mentor:{m.pk}",
                name,
                (name,),
                (("first_name", m.first_name, "last_name", m.last_name),),
            )
        )
    # Random names can repeat; a page showing a shared name cannot tell the probe whom
    # it shows, so only names that belong to one record count.
    owners = Counter(t for person in found for t in set(person.texts))
    return [p for p in found if owners[p.texts[0]] == 1]


def _json_dicts(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return [value, *(d for v in value.values() for d in _json_dicts(v))]
    if isinstance(value, list):
        return [d for v in value for d in _json_dicts(v)]
    return []


def _shown(body: str, content_type: str, people: list[Person]) -> list[Person]:
    text = html.unescape(body)
    dicts: list[dict[str, Any]] = []
    if "json" in content_type:
        try:
            dicts = _json_dicts(json.loads(body))
        except ValueError:
            dicts = []
    shown = []
    for person in people:
        if any(t in text for t in person.texts) or any(
            d.get(k1) == v1 and d.get(k2) == v2 for d in dicts for k1, v1, k2, v2 in person.pairs
        ):
            shown.append(person)
    return shown


def _populate(world: World) -> None:
    """Records beside the rows' own: a contact of the mentor persona's pair, a waiting
    patient and a ready mentor, and records in the outsider's service, so that lists
    are not empty for anyone."""
    home_contact(world)
    ContactFactory(match=MatchFactory(service=world.other, status="active"))
    PatientFactory(service=world.other, given_name="Otto", family_name="Elsewhere")
    MentorFactory(service=world.other, first_name="Olga", last_name="Elsewhere")
    waiting_patient(world.home, given_name="Wanda", family_name="Waiting")
    ready_mentor(world.home, first_name="Rhys", last_name="Ready")


def _send(world: World, persona: str, name: str, row: Any) -> Any:
    url = reverse(name, kwargs=row.kwargs(world))
    client = world.client_for("anonymous" if row.api else persona)
    headers = {}
    if row.api:
        token = world.token_for(persona)
        if token:
            headers["Authorization"] = f"Bearer {token}"
    data = row.data(world) if row.data else None
    if row.json:
        return getattr(client, row.method)(
            url, data=data, content_type="application/json", headers=headers
        )
    return getattr(client, row.method)(url, data=data, headers=headers)


@pytest.mark.django_db
def test_probe_6_every_identifiable_response_is_audited() -> None:
    world = build_world()
    _populate(world)
    base = dict(world.objects)
    problems: list[str] = []
    checked = 0
    for name, row in sorted(ROWS.items()):
        # Like the access matrix, each row meets a world with just the objects it needs.
        row_savepoint = transaction.savepoint()
        world.objects = dict(base)
        row.kwargs(world)
        people = _people()
        for persona in PERSONAS:
            savepoint = transaction.savepoint()
            response = _send(world, persona, name, row)
            if not isinstance(response, StreamingHttpResponse):
                body = response.content.decode("utf-8", "replace")
                shown = _shown(body, response.get("Content-Type", ""), people)
                request_id = response["X-Request-ID"]
                events = list(AuditEvent.objects.filter(request_id=request_id, action="read"))
                if len(events) > 1:
                    problems.append(f"{name} as {persona}: {len(events)} read events")
                named = {i for e in events for i in e.object_ids}
                for person in shown:
                    checked += 1
                    if person.typed_id not in named:
                        problems.append(
                            f"{name} as {persona} ({response.status_code}) shows "
                            f"{person.label} ({person.typed_id}) without a read event naming it"
                        )
            transaction.savepoint_rollback(savepoint)
        transaction.savepoint_rollback(row_savepoint)
    assert not problems, "\n".join(problems)
    assert checked > 50, "the probe saw too few identifiable responses to mean anything"


def _therapist_client(world: World) -> Any:
    from django.test import Client

    client = Client()
    sign_in(client, world.people["therapist"])
    return client


@pytest.mark.django_db
def test_api_patient_list_writes_one_event_naming_every_returned_id(world: World) -> None:
    from alongside.accounts.services import api_token_issue

    created = [PatientFactory(service=world.home) for _ in range(7)]
    PatientFactory(service=world.other)  # not in the therapist's services
    _, secret = api_token_issue(user=world.people["therapist"], name="probe")
    from django.test import Client

    response = Client().get(
        "/api/v1/patients?limit=500", headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 200
    returned = {row["id"] for row in response.json()["items"]}
    assert returned == {p.pk for p in created}
    events = _recorded().filter(request_id=response["X-Request-ID"])
    assert events.count() == 1
    event = events.get()
    assert event.action == reads.READ
    assert "patient.list" in event.fields
    assert set(event.object_ids) == {f"patients.patient:{pk}" for pk in returned}
    assert event.actor_id == world.people["therapist"].pk
    assert event.service_id == world.home.pk


@pytest.mark.django_db
def test_a_list_page_writes_exactly_one_event_naming_its_page(world: World) -> None:
    patients = [PatientFactory(service=world.home) for _ in range(60)]
    client = _therapist_client(world)
    before = _recorded().count()
    response = client.get(reverse("patients:list"))
    assert response.status_code == 200
    assert _recorded().count() == before + 1
    event = _recorded().get(request_id=response["X-Request-ID"])
    shown = {p.pk for p in response.context["page"]}
    assert len(shown) == 50  # one page, not the whole caseload
    assert set(event.object_ids) == {f"patients.patient:{pk}" for pk in shown}
    assert {p.pk for p in patients} > shown


@pytest.mark.django_db
def test_the_contacts_api_list_is_audited_with_its_pairs(world: World) -> None:
    from django.test import Client

    from alongside.accounts.services import api_token_issue

    contact = home_contact(world)
    _, secret = api_token_issue(user=world.people["mentor"], name="probe")
    response = Client().get("/api/v1/contacts/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [contact.pk]
    event = _recorded().get(request_id=response["X-Request-ID"])
    assert "contact.list" in event.fields
    assert f"contacts.contact:{contact.pk}" in event.object_ids
    assert f"matches.match:{contact.match_id}" in event.object_ids
    assert f"mentors.mentor:{contact.match.mentor_id}" in event.object_ids


@pytest.mark.django_db
def test_a_redirect_writes_no_read_event(world: World) -> None:
    patient = PatientFactory(service=world.home)
    client = _therapist_client(world)
    response = client.post(reverse("patients:accept", kwargs={"patient_id": patient.pk}))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(request_id=response["X-Request-ID"], action="read")


@pytest.mark.django_db
def test_a_read_outside_a_request_is_written_at_once(world: World) -> None:
    from alongside.patients import selectors

    patient = PatientFactory(service=world.home)
    therapist = world.people["therapist"]
    assert list(selectors.patients_visible_to(therapist)) == [patient]
    event = AuditEvent.objects.get(action=reads.READ)
    assert event.object_ids == [f"patients.patient:{patient.pk}"]
    assert event.object_type == "patients.patient" and event.object_id == str(patient.pk)


@pytest.mark.django_db
def test_counting_and_subqueries_read_no_records(world: World) -> None:
    from alongside.patients import selectors

    PatientFactory(service=world.home)
    visible = selectors.patients_visible_to(world.people["therapist"])
    assert visible.count() == 1 and visible.exists()
    assert Patient.objects.filter(pk__in=visible.values("pk")).count() == 1
    assert not AuditEvent.objects.filter(action=reads.READ).exists()
