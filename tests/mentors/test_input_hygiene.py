"""Mentor profiles follow the same rules as referrals (issue 9, point 9)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from alongside.mentors import services
from alongside.mentors.forms import MentorForm
from alongside.mentors.models import Mentor

pytestmark = pytest.mark.django_db

GOOD: dict[str, Any] = {
    "first_name": "Ada",
    "last_name": "Lee",
    "injury_category": "sci",
    "capacity": 2,
}


def _create(world, service, **values: Any) -> Mentor:
    return services.mentor_create(
        actor=world.people["admin"], service=service, values={**GOOD, **values}
    )


def test_probe_9_mentor_phone_validated_for_service_country(world, frozen) -> None:
    mentor = _create(world, world.home, phone="0400 000 004", postcode=" 3000")
    assert (mentor.phone, mentor.postcode) == ("+61400000004", "3000")
    with pytest.raises(ValidationError) as refused:
        _create(world, world.home, phone="0113 496 0000", postcode="LS1 3EX")
    assert set(refused.value.message_dict) == {"phone", "postcode"}
    assert Mentor.objects.count() == 1


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_probe_9_mentor_name_refuses_bidi_override(world, frozen, field) -> None:
    with pytest.raises(ValidationError) as refused:
        _create(world, world.home, **{field: "Ada\u2067"})
    assert "U+2067" in refused.value.message_dict[field][0]
    assert not Mentor.objects.exists()


def test_probe_9_mentor_form_names_the_field(world, frozen) -> None:
    form = MentorForm(
        data={
            "first_name": "Ada\u200b",
            "last_name": "Lee",
            "injury_category": "sci",
            "capacity": "2",
            "travel_radius_km": "20",
            "supervision_every_weeks": "4",
            "phone": "12",
            "rtw_story": "x" * 4001,
        },
        service=world.home,
    )
    assert not form.is_valid()
    assert {"first_name", "phone", "rtw_story"} <= set(form.errors)
