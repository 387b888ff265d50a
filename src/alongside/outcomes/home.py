"""The patient's home-page panel: questionnaires open to answer now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alongside.core.instruments import instrument
from alongside.outcomes import selectors


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    dues = list(selectors.own_dues(request.user))  # type: ignore[arg-type]
    return {"dues": [(due, instrument(due.instrument_id)) for due in dues]}
