"""A match's contact history (mentor reflections included) is audited by the selector
that returns it, so the page and its API twin write the same read event."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from alongside.accounts.services import api_token_issue
from alongside.audit import reads
from alongside.audit.models import AuditEvent
from tests.contacts.factories import home_concern
from tests.personas import World, sign_in


def _history_ids(event: AuditEvent) -> set[str]:
    return {i for i in event.object_ids if i.startswith(("contacts.contact:", "contacts.concern:"))}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["therapist", "mentor"])
def test_the_history_api_writes_the_same_read_event_as_the_page(world: World, persona: str) -> None:
    concern = home_concern(world)
    contact = concern.contact
    person = world.people[persona]

    page_client = Client()
    sign_in(page_client, person)
    page = page_client.get(reverse("contacts:match", kwargs={"match_id": contact.match_id}))
    assert page.status_code == 200

    _, secret = api_token_issue(user=person, name="probe")
    api = Client().get(
        f"/api/v1/contacts/match/{contact.match_id}",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert api.status_code == 200
    assert [row["id"] for row in api.json()["items"]] == [contact.pk]
    if persona == "therapist":
        assert api.json()["items"][0]["reflection"] == contact.reflection

    page_event = AuditEvent.objects.get(request_id=page["X-Request-ID"], action=reads.READ)
    api_event = AuditEvent.objects.get(request_id=api["X-Request-ID"], action=reads.READ)
    assert "contact.history" in page_event.fields
    assert "contact.history" in api_event.fields
    assert f"contacts.contact:{contact.pk}" in api_event.object_ids
    assert _history_ids(api_event) == _history_ids(page_event)
    assert api_event.actor_id == page_event.actor_id == person.pk
