"""The roll-up: the main dashboard figures of every service a person manages, side by
side with their totals, worked out by the task worker one service at a time (each
service's figures come from the same cached dashboard sections as its own page)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from alongside.reports.periods import Period

# (key, heading, how to read it from a service's dashboard); every one adds up.
FIGURES: list[tuple[str, str, Callable[[Any], int]]] = [
    ("referred", "Referrals received", lambda d: d.referrals.referred),
    ("accepted", "Accepted", lambda d: d.referrals.accepted),
    ("declined", "Declined", lambda d: d.referrals.declined),
    ("awaiting", "Awaiting a decision", lambda d: d.referrals.awaiting),
    ("active_matches", "Active matches", lambda d: d.engagement.active),
    ("active_mentors", "Active mentors (now)", lambda d: d.mentors.active),
    ("places", "Mentor places (now)", lambda d: d.mentors.places),
    ("rtw_patients", "Accepted patients followed for work", lambda d: d.rtw.patients),
    ("returned", "Back at work", lambda d: d.rtw.returned),
    ("sustained", "Sustained return to work", lambda d: d.rtw.sustained),
]


def service_figures(service: Any, period: Period) -> dict[str, Any]:
    from alongside.reports import selectors

    board = selectors.dashboard(service, period, pseudonymised=True)
    row: dict[str, Any] = {"slug": service.slug, "name": service.name}
    row.update({key: int(pick(board)) for key, _, pick in FIGURES})
    return row


def encode(period: Period, rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(
        {"start": period.start.isoformat(), "end": period.end.isoformat(), "services": rows}
    ).encode()


@dataclass(frozen=True)
class RollupTable:
    headings: list[str]
    rows: list[tuple[str, str, list[int]]]  # (slug, name, figures)
    totals: list[int]
    start: str
    end: str


def table(content: bytes) -> RollupTable | None:
    if not content:
        return None
    data = json.loads(bytes(content))
    rows = [(r["slug"], r["name"], [r[key] for key, _, _ in FIGURES]) for r in data["services"]]
    totals = [sum(r[2][i] for r in rows) for i in range(len(FIGURES))]
    return RollupTable([h for _, h, _ in FIGURES], rows, totals, data["start"], data["end"])
