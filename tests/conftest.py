from __future__ import annotations

import pytest

from tests.personas import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _test_transport(settings) -> None:  # type: ignore[no-untyped-def]
    # The test client speaks plain HTTP; production settings are otherwise unchanged.
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
