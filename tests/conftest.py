from __future__ import annotations

import pytest

from tests.personas import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _test_transport(settings) -> None:
    # The test client speaks plain HTTP; production settings are otherwise unchanged.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_matching_pools() -> None:
    # Rolled-back tests can reuse a service id, counts and (with a frozen clock) the
    # latest ``updated_at``, so a pool cached by one test could fit the next one's
    # fingerprint; in production ids and clocks move on.
    from alongside.matches.profiles import clear_pool_cache

    clear_pool_cache()


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # The dashboard caches its figures in the (in-process) default cache: each test
    # starts without another test's entries, so query counts do not depend on order.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def run_worker(monkeypatch):
    """Run every queued background task the way `alongside worker` does, then return.

    The worker closes "old" database connections between tasks; inside a test's
    transaction that would drop the connection holding the test data, so only
    that housekeeping call is switched off here.
    """
    from django.core.management import call_command
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay")

    return run
