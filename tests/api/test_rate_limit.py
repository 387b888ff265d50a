"""Issue 16 (b): each token has its own request budget per window, counted in the
database cache shared by every worker; past it, a 429 problem with Retry-After."""

from __future__ import annotations

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_a_token_past_its_limit_gets_429_with_retry_after(world, settings) -> None:
    settings.ALONGSIDE_API_RATE_LIMIT = 3
    settings.ALONGSIDE_API_RATE_WINDOW = 60
    caches["rate_limits"].clear()
    busy = {"Authorization": f"Bearer {world.token_for('therapist')}"}
    other = {"Authorization": f"Bearer {world.token_for('therapist')}"}
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert [Client().get("/api/v1/me", headers=busy).status_code for _ in range(3)] == [200] * 3
        refused = Client().get("/api/v1/me", headers=busy)
        assert refused.status_code == 429
        assert refused["Content-Type"] == "application/problem+json"
        assert (
            refused.json()["status"] == 429
            and "3 requests every 60 seconds" in (refused.json()["detail"])
        )
        assert 1 <= int(refused["Retry-After"]) <= 60
        # Another token of the same person has its own budget.
        assert Client().get("/api/v1/me", headers=other).status_code == 200
    with time_machine.travel(start.timestamp() + 40, tick=False):
        assert 1 <= int(Client().get("/api/v1/me", headers=busy)["Retry-After"]) <= 20
    with time_machine.travel(start.timestamp() + 61, tick=False):
        assert Client().get("/api/v1/me", headers=busy).status_code == 200


def test_the_count_lives_in_the_database_cache(world, settings) -> None:
    from django.db import connection

    settings.ALONGSIDE_API_RATE_LIMIT = 100
    caches["rate_limits"].clear()
    Client().get("/api/v1/me", headers={"Authorization": f"Bearer {world.token_for('mentor')}"})
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM alongside_rate_limits")
        keys = [row[0] for row in cursor.fetchall()]
    assert [k for k in keys if "api-token:" in k]


def test_the_schema_declares_429_with_retry_after(world) -> None:
    operation = Client().get("/api/v1/openapi.json").json()["paths"]["/api/v1/me"]["get"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
