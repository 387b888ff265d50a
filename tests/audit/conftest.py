"""The audit tests see each chain opened by the events they write themselves."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _chains_open_on_first_event(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factories, "OPEN_AUDIT_CHAINS", False)
