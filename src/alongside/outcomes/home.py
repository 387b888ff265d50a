"""The patient's home-page panel: questionnaires open to answer now."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from alongside.outcomes import selectors


def patient_panel(request: HttpRequest) -> dict[str, Any]:
    return {"rows": selectors.own_due_rows(request.user)}  # type: ignore[arg-type]
