"""Analysts sign in to a panel that leads to their work (before, they could open nothing)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.personas import World

pytestmark = pytest.mark.django_db


def test_the_analyst_home_links_the_dashboard_fidelity_and_research_export(world: World) -> None:
    page = world.client_for("analyst").get(reverse("accounts:home")).content.decode()
    assert "Reports and research data" in page
    for name in ("reports:dashboard", "reports:fidelity", "reports:research", "outcomes:service"):
        assert f'href="{reverse(name, args=[world.home.slug])}"' in page
    assert world.other.slug not in page


def test_other_roles_do_not_get_the_analyst_panel(world: World) -> None:
    page = world.client_for("therapist").get(reverse("accounts:home")).content.decode()
    assert "Reports and research data" not in page
