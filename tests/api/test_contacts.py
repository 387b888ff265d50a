import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.contacts.models import Contact
from tests.contacts.factories import ContactFactory, active_match, home_active_match

pytestmark = pytest.mark.django_db


def _post(world, persona, match, body):
    client = world.client_for("anonymous")
    return client.post(
        reverse("api:contacts_log", kwargs={"match_id": match.pk}),
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for(persona)}"},
    )


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("mentor", 201),
        ("therapist", 201),
        ("admin", 201),
        ("patient", 404),
        ("analyst", 404),
        ("outsider", 404),
    ],
)
def test_log_is_scoped(world, persona, status) -> None:
    response = _post(
        world, persona, home_active_match(world), {"mode": "phone", "duration_minutes": 15}
    )
    assert response.status_code == status
    assert Contact.objects.count() == (1 if status == 201 else 0)


def test_mentor_cannot_log_for_another_pair(world) -> None:
    other = active_match(world.home)
    assert (
        _post(world, "mentor", other, {"mode": "phone", "duration_minutes": 15}).status_code == 404
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mode": "phone", "duration_minutes": 0}, "duration_minutes"),
        ({"mode": "phone", "duration_minutes": 800}, "duration_minutes"),
        ({"mode": "carrier pigeon", "duration_minutes": 10}, "mode"),
        (
            {
                "mode": "phone",
                "duration_minutes": 10,
                "contact_at": (timezone.now() + dt.timedelta(days=2)).isoformat(),
            },
            "contact_at",
        ),
    ],
)
def test_bad_input_names_the_field(world, body, field) -> None:
    response = _post(world, "mentor", home_active_match(world), body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert Contact.objects.count() == 0


def test_list_shows_reflections_only_to_mentor_and_supervisor(world) -> None:
    ContactFactory(match=home_active_match(world), reflection="Private")
    ContactFactory(match=active_match(world.other))  # another service
    client = world.client_for("anonymous")
    url = reverse("api:contacts_list")

    def get(persona):
        return client.get(
            url, headers={"Authorization": f"Bearer {world.token_for(persona)}"}
        ).json()["items"]

    assert [c["reflection"] for c in get("mentor")] == ["Private"]
    assert [c["reflection"] for c in get("therapist")] == ["Private"]
    assert [c["reflection"] for c in get("admin")] == [None]
    assert get("patient") == [] and get("analyst") == []
    assert len(get("outsider")) == 1  # their own service's contact only
