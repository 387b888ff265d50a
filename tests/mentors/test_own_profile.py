"""A mentor keeps their own profile current; the supervisor sees what changed (issue 12 §5)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.core import NotFound
from alongside.core.mentor_programme import own_profile_changes
from alongside.mentors import services
from alongside.mentors.models import MentorProfileChange
from tests.mentors.factories import home_mentor

URL = "mentors:my_profile"


def _form(**overrides):
    data = {
        "availability": ["mon-eve", "sat-am"],
        "contact_modes": ["phone", "video"],
        "travel_radius_km": "35",
        "rtw_story": "Back on the tools eight months after my fall.",
        "topics_to_avoid": "the crash itself, compensation claims",
    }
    data.update(overrides)
    return data


def test_changes_are_described_in_words_and_sets_compare_as_sets() -> None:
    before = {"availability": ["mon-eve", "sat-am"], "travel_radius_km": 20, "rtw_story": "Old"}
    after = {"availability": ["sat-am", "mon-eve"], "travel_radius_km": 5, "rtw_story": "New"}
    (change, story) = own_profile_changes(before, after)
    assert (change.field, change.before, change.after) == ("travel_radius_km", "20 km", "5 km")
    assert change.matters_for_matching
    assert (story.field, story.after, story.matters_for_matching) == ("rtw_story", "changed", False)


@pytest.mark.django_db
def test_the_mentor_updates_their_profile_and_the_supervisor_sees_it(world) -> None:
    mentor = home_mentor(world)
    mentor.availability, mentor.contact_modes, mentor.travel_radius_km = ["mon-eve"], ["phone"], 20
    mentor.save()
    client = world.client_for("mentor")
    page = client.get(reverse(URL))
    assert page.status_code == 200
    assert "How far will you travel" in page.content.decode()

    response = client.post(reverse(URL), _form())
    assert response.status_code == 302
    mentor.refresh_from_db()
    assert sorted(mentor.availability) == ["mon-eve", "sat-am"]
    assert sorted(mentor.contact_modes) == ["phone", "video"]
    assert mentor.travel_radius_km == 35
    assert mentor.topics_to_avoid == ["the crash itself", "compensation claims"]
    assert mentor.rtw_story.startswith("Back on the tools")

    (change,) = MentorProfileChange.objects.filter(mentor=mentor)
    assert change.changed_by == world.people["mentor"] and change.matters_for_matching
    words = {item["field"]: (item["before"], item["after"]) for item in change.changes}
    assert words["travel_radius_km"] == ("20 km", "35 km")
    assert words["availability"] == ("Monday evening", "Monday evening, Saturday morning")
    event = AuditEvent.objects.get(action="mentor.update_own", object_id=str(mentor.pk))
    assert set(event.fields) == {
        "availability",
        "contact_modes",
        "travel_radius_km",
        "rtw_story",
        "topics_to_avoid",
    }
    assert event.actor_id == world.people["mentor"].pk

    supervisor = world.client_for("therapist").get(reverse("mentors:detail", args=[mentor.pk]))
    text = supervisor.content.decode()
    assert "Changed by the mentor on" in text
    assert "Will travel: 20 km → 35 km" in text
    assert "matters for matching" in text

    # Saving the same values again records nothing new.
    client.post(reverse(URL), _form(availability=["sat-am", "mon-eve"]))
    assert MentorProfileChange.objects.filter(mentor=mentor).count() == 1


@pytest.mark.django_db
def test_bad_input_names_the_field_and_writes_nothing(world) -> None:
    mentor = home_mentor(world)
    before = mentor.travel_radius_km
    response = world.client_for("mentor").post(
        reverse(URL), _form(travel_radius_km="900", availability=["someday"])
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "There is a problem" in text and "<title>Error:" in text
    assert "How far will you travel to meet someone (km)?" in text
    assert "When are you usually available?" in text
    mentor.refresh_from_db()
    assert mentor.travel_radius_km == before
    assert not MentorProfileChange.objects.filter(mentor=mentor).exists()


@pytest.mark.django_db
def test_only_the_mentor_themself(world) -> None:
    mentor = home_mentor(world)
    for persona in ("therapist", "admin", "patient", "outsider"):
        assert world.client_for(persona).get(reverse(URL)).status_code == 404
    with pytest.raises(NotFound):
        services.mentor_update_own(
            actor=world.people["therapist"], mentor=mentor, values={"travel_radius_km": 5}
        )
    with pytest.raises(ValidationError) as caught:
        services.mentor_update_own(
            actor=world.people["mentor"], mentor=mentor, values={"capacity": 9}
        )
    assert "capacity" in caught.value.message_dict
    mentor.refresh_from_db()
    assert mentor.capacity != 9
