"""The dashboard's figures through the API equal the page's, pseudonymised alike."""

from __future__ import annotations

from typing import Any

from django.test import Client

from alongside.accounts.services import api_token_issue
from alongside.patients.selectors import service_today
from alongside.reports import selectors
from alongside.reports.periods import default_period
from tests.personas import World


def _get(world: World, persona: str, path: str, scopes: list[str] | None = None) -> Any:
    kwargs: dict[str, Any] = {"user": world.people[persona], "name": "reports"}
    if scopes is not None:
        kwargs["scopes"] = scopes
    _, secret = api_token_issue(**kwargs)
    return Client().get(path, headers={"Authorization": f"Bearer {secret}"})


def _path(world: World, query: str = "") -> str:
    return f"/api/v1/reports/{world.home.slug}/dashboard{query}"


def test_the_figures_are_the_dashboards_for_the_default_period(world: World) -> None:
    response = _get(world, "therapist", _path(world))
    assert response.status_code == 200
    body = response.json()
    period = default_period(service_today(world.home))
    page = selectors.dashboard(world.home, period, pseudonymised=False)
    assert body["period"] == {"start": period.start.isoformat(), "end": period.end.isoformat()}
    assert body["referrals"]["referred"] == page.referrals.referred
    assert body["mentors"]["active"] == page.mentors.active
    assert body["engagement"]["by_state"] == page.engagement.by_state
    assert body["pseudonymised"] is False


def test_an_analyst_gets_the_pseudonymised_figures(world: World) -> None:
    body = _get(world, "analyst", _path(world)).json()
    assert body["pseudonymised"] is True


def test_a_period_is_chosen_and_a_backwards_one_names_the_field(world: World) -> None:
    ok = _get(world, "admin", _path(world, "?start=2026-01-01&end=2026-03-31"))
    assert ok.json()["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    bad = _get(world, "admin", _path(world, "?start=2026-03-31&end=2026-01-01"))
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert bad.json()["errors"][0]["field"] == "end"


def test_mentors_patients_and_outsiders_get_404_and_the_scope_is_needed(world: World) -> None:
    for persona in ("mentor", "patient", "outsider"):
        assert _get(world, persona, _path(world)).status_code == 404
    refused = _get(world, "therapist", _path(world), scopes=["patients:read"])
    assert refused.status_code == 403
    assert refused.json()["required_scope"] == "reports:read"
