"""Early-intervention targets: due dates (calendar or working days) and state.

A target is due ``days`` after its start; it is *met* when done on or before
the due date, *late* when done after it, *overdue* from the day after the
due date while not done, and *due* before that. Working days skip Saturday,
Sunday and any holidays the caller passes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class TargetState(StrEnum):
    NOT_STARTED = "not_started"  # the clock has not started (e.g. not yet accepted)
    DUE = "due"
    MET = "met"
    LATE = "late"  # done, but after the due date
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "due": "Due",
            "met": "Met",
            "late": "Met late",
            "overdue": "Overdue",
        }[self.value]


@dataclass(frozen=True)
class TargetStatus:
    key: str
    label: str
    start: date | None
    due_on: date | None
    done_on: date | None
    state: TargetState
    days: int
    working_days: bool

    @property
    def is_overdue(self) -> bool:
        return self.state is TargetState.OVERDUE

    @property
    def rule(self) -> str:
        unit = "working days" if self.working_days else "days"
        return f"within {self.days} {unit}"


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (start itself not counted).

    Referral on Friday + 5 working days is the next Friday; + 0 is the start.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    closed = set(holidays)
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            remaining -= 1
    return day


def due_date(start: date, days: int, *, working_days: bool, holidays: Iterable[date] = ()) -> date:
    if working_days:
        return add_working_days(start, days, holidays)
    if days < 0:
        raise ValueError("days must not be negative")
    return start + timedelta(days=days)


def target_status(
    *,
    key: str,
    label: str,
    start: date | None,
    days: int,
    working_days: bool,
    done_on: date | None,
    today: date,
    holidays: Iterable[date] = (),
) -> TargetStatus:
    if start is None:
        return TargetStatus(
            key, label, None, None, done_on, TargetState.NOT_STARTED, days, working_days
        )
    due = due_date(start, days, working_days=working_days, holidays=holidays)
    if done_on is not None:
        state = TargetState.MET if done_on <= due else TargetState.LATE
    else:
        state = TargetState.OVERDUE if today > due else TargetState.DUE
    return TargetStatus(key, label, start, due, done_on, state, days, working_days)
