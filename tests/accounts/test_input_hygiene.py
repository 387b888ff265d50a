"""A person's full name refuses invisible characters (issue 9, point 9)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.accounts import services
from alongside.accounts.models import User

pytestmark = pytest.mark.django_db


def test_probe_9_invitation_name_refuses_bidi_override(world) -> None:
    response = world.client_for("admin").post(
        reverse("accounts:people", args=[world.home.slug]),
        {"email": "nia@test.example", "full_name": "Nia \u202eweN", "role": "therapist"},
    )
    assert response.status_code == 400
    assert "U+202E" in response.content.decode()
    assert not User.objects.filter(email="nia@test.example").exists()


def test_probe_9_user_full_name_refuses_zero_width(db) -> None:
    with pytest.raises(ValidationError) as refused:
        services.user_create(email="z@test.example", password=None, full_name="Zed\ufeff")
    assert "U+FEFF" in refused.value.message_dict["full_name"][0]
    assert (
        services.user_create(email="y@test.example", password=None, full_name=" Yan ").full_name
        == "Yan"
    )
