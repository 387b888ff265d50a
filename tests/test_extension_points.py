"""Every extension point (alongside.hooks.POINTS) is listed in docs/architecture.md."""

from __future__ import annotations

from pathlib import Path

from alongside.hooks import POINTS, Hook

ARCHITECTURE = Path(__file__).resolve().parents[1] / "docs" / "architecture.md"


def test_every_hook_is_documented() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    assert {"navigation", "home_panels", "mentor_paused", "referral_accepted"} <= set(POINTS)
    missing = [name for name in POINTS if f"`{name}`" not in text]
    assert missing == [], f"extension points not in docs/architecture.md: {missing}"


def test_the_apps_have_registered_into_their_hooks() -> None:
    from alongside.outcomes.services import on_referral_accepted
    from alongside.patients.services import REFERRAL_ACCEPTED

    assert on_referral_accepted in list(REFERRAL_ACCEPTED)


def test_a_hook_is_declared_once_and_registers_once() -> None:
    hook: Hook[int] = Hook("test_only_point", "for this test")
    try:
        hook.register(1)
        hook.register(1)
        assert list(hook) == [1]
        try:
            Hook("test_only_point", "again")
        except ValueError:
            pass
        else:
            raise AssertionError("a second declaration of a name must be refused")
    finally:
        POINTS.pop("test_only_point")
