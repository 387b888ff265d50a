"""The tokens page offers each person only the scopes their roles can use."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.accounts.policy import RULES
from alongside.accounts.scopes import ALL_SCOPES, SCOPE_ACTIONS, SCOPES, usable_scopes


def test_every_scope_names_real_policy_actions() -> None:
    assert set(SCOPE_ACTIONS) == set(SCOPES)
    assert {a for actions in SCOPE_ACTIONS.values() for a in actions} <= set(RULES)


def test_what_each_role_is_offered() -> None:
    assert usable_scopes(["therapist"]) == list(ALL_SCOPES)
    assert usable_scopes(["patient"]) == [
        "services:read",
        "matches:read",
        "matches:write",
        "notifications:read",
    ]
    assert "referrals:write" not in usable_scopes(["mentor"])
    assert "contacts:write" in usable_scopes(["mentor"])
    assert usable_scopes(["analyst"]) == [
        "services:read",
        "notifications:read",
        "reports:read",
        "exports:read",
        "exports:write",
    ]


@pytest.mark.django_db
def test_the_patient_is_not_offered_what_they_could_never_use(world) -> None:
    page = world.client_for("patient").get(reverse("accounts:tokens")).content.decode()
    assert 'value="matches:read"' in page
    assert 'value="referrals:write"' not in page and 'value="exports:write"' not in page
    # Ticking one anyway (a hand-made request) is refused as a choice not offered.
    response = world.client_for("patient").post(
        reverse("accounts:tokens"), {"name": "x", "days": "7", "scopes": ["referrals:write"]}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
