"""A broken instrument file stops start-up with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from alongside.core.instruments import loading


def test_a_bad_instrument_file_stops_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = (loading.DEFINITIONS / "gad7.toml").read_text(encoding="utf-8")
    (tmp_path / "gad7.toml").write_text(shipped.replace("max = 9", "max = 10"), encoding="utf-8")
    monkeypatch.setattr(loading, "DEFINITIONS", tmp_path)
    loading.instruments.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match=r"gad7\.toml: .*band 'Moderate' overlaps"):
            apps.get_app_config("outcomes").ready()
    finally:
        loading.instruments.cache_clear()


def test_the_shipped_instruments_load_at_start_up() -> None:
    apps.get_app_config("outcomes").ready()
    assert "phq9" in loading.instruments()
