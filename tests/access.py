"""Rows of the access matrix: for one URL, what each persona gets.

Each app keeps its rows in ``tests/<app>/access_rows.py`` as ``ROWS`` (a dict
of URL name -> Row); tests/test_access_matrix.py gathers them all and fails
when any URL pattern of the project has no row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.personas import PERSONAS, World

LOGIN = 302  # anonymous people are sent to the sign-in page


def expect(default: int, **overrides: int) -> dict[str, int]:
    unknown = set(overrides) - set(PERSONAS)
    if unknown:
        raise ValueError(f"unknown personas {sorted(unknown)}")
    return {persona: overrides.get(persona, default) for persona in PERSONAS}


@dataclass
class Row:
    expected: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda world: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    api: bool = False  # sends `Authorization: Bearer` instead of a session
    json: bool = False  # sends ``data`` as a JSON body (API writes)
    # Some rows change state (revoke, sign out); they get a fresh world per persona.
    fresh_world: bool = False


# A request that shows identifiable records writes one read-audit event: in a test's
# transaction that is a savepoint, the head lock, the insert, the head update and the
# release (docs/architecture.md, "Read auditing"). Query ceilings add it once.
READ_AUDIT_QUERIES = 5
