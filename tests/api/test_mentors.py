"""The mentors API is scoped like the pages."""

from __future__ import annotations

from tests.mentors.factories import MentorFactory, home_mentor


def _get(world, persona: str, path: str):
    token = world.token_for(persona)
    return world.client_for("anonymous").get(path, headers={"Authorization": f"Bearer {token}"})


def test_list_is_scoped_to_the_callers_services(world) -> None:
    home_mentor(world)
    MentorFactory(service=world.other, first_name="Elsewhere")
    names = [m["first_name"] for m in _get(world, "therapist", "/api/v1/mentors").json()["items"]]
    assert names == ["Mia"]
    outsider = _get(world, "outsider", "/api/v1/mentors").json()["items"]
    assert [m["first_name"] for m in outsider] == ["Elsewhere"]
    assert _get(world, "mentor", "/api/v1/mentors").status_code == 404


def test_detail_explains_matchability_and_hides_from_outsiders(world) -> None:
    mentor = home_mentor(world)
    body = _get(world, "therapist", f"/api/v1/mentors/{mentor.pk}").json()
    assert body["matchable"] is False
    assert "Checks are missing or not clear" in body["not_matchable_because"]
    assert _get(world, "outsider", f"/api/v1/mentors/{mentor.pk}").status_code == 404


def test_me_returns_only_my_record(world) -> None:
    home_mentor(world)
    MentorFactory(service=world.home, first_name="Someone")
    mine = _get(world, "mentor", "/api/v1/mentors/me").json()["items"]
    assert [m["first_name"] for m in mine] == ["Mia"]
    assert _get(world, "therapist", "/api/v1/mentors/me").json()["items"] == []
