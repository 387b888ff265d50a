"""Early-intervention targets: due dates (calendar or working days) and state.

A target is due ``days`` after its start; it is *met* when done on or before
the due date, *late* when done after it, *overdue* from the day after the
due date while not done, and *due* before that. Working days skip Saturday,
Sunday and the service's closed days: the public holidays of its country and
subdivision (from the ``holidays`` package) and closure days it adds.

While a case is on hold (not ready: post-traumatic amnesia, medically unwell)
its clocks stop: a day inside a hold does not count towards any target, and
a target whose case is on hold today is *on hold*, never overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

import holidays as holiday_calendars

from alongside.core import FieldProblem
from alongside.core.vocabulary import MentorClockStart

# A hold from its first day (included) to its release day (excluded); None: still on hold.
Pause = tuple[date, date | None]

MENTOR_CLOCK_STARTS = tuple(MentorClockStart.values)


class TargetState(StrEnum):
    NOT_STARTED = "not_started"  # the clock has not started (e.g. not yet accepted)
    DUE = "due"
    MET = "met"
    LATE = "late"  # done, but after the due date
    OVERDUE = "overdue"
    ON_HOLD = "on_hold"  # the case is on hold today: the clock is stopped

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "due": "Due",
            "met": "Met",
            "late": "Met late",
            "overdue": "Overdue",
            "on_hold": "Paused (case on hold)",
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


def public_holidays(country: str, subdivision: str, years: Iterable[int]) -> frozenset[date]:
    """The public holidays of a country (ISO 3166-1, e.g. AU, GB) and optionally one
    of its subdivisions (VIC, ENG), from the ``holidays`` package; FieldProblem naming
    the ``country`` or ``subdivision`` it does not know."""
    country = country.strip().upper()
    subdivision = subdivision.strip().upper()
    supported = holiday_calendars.list_supported_countries()
    if country not in supported:
        raise FieldProblem("country", f"{country} is not a country whose public holidays are known")
    if subdivision and subdivision not in supported[country]:
        known = ", ".join(supported[country]) or "none"
        raise FieldProblem(
            "subdivision", f"{subdivision} is not a subdivision of {country} (known: {known})"
        )
    calendar = holiday_calendars.country_holidays(
        country, subdiv=subdivision or None, years=list(years)
    )
    return frozenset(calendar.keys())


def holiday_countries() -> list[str]:
    """The two-letter codes (ISO 3166-1) of the countries whose public holidays are known,
    which are the countries a service can be in: its targets count working days."""
    return sorted(code for code in holiday_calendars.list_supported_countries() if len(code) == 2)


def validate_holiday_calendar(country: str, subdivision: str) -> tuple[str, str]:
    """(country, subdivision) upper-cased, or FieldProblem naming what is unknown."""
    public_holidays(country, subdivision, [2000])
    return country.strip().upper(), subdivision.strip().upper()


def is_working_day(day: date, holidays: Iterable[date] = ()) -> bool:
    return day.weekday() < 5 and day not in set(holidays)


def add_working_days(start: date, days: int, holidays: Iterable[date] = ()) -> date:
    """The date ``days`` working days after ``start`` (start itself not counted).

    Referral on Friday + 5 working days is the next Friday; + 0 is the start.
    """
    due = due_date(start, days, working_days=True, holidays=holidays)
    assert due is not None  # only a hold leaves a target without a due date
    return due


def _paused(day: date, pauses: Sequence[Pause]) -> bool:
    return any(first <= day and (end is None or day < end) for first, end in pauses)


def due_date(
    start: date,
    days: int,
    *,
    working_days: bool,
    holidays: Iterable[date] = (),
    pauses: Sequence[Pause] = (),
) -> date | None:
    """The day the target falls due; None while an open hold stops the clock for good.

    Only days after ``start`` count; a day inside a pause does not, nor (for
    working days) a weekend day or a closed day.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if not working_days and not pauses:
        return start + timedelta(days=days)
    closed = set(holidays) if working_days else set()
    open_from = min((first for first, end in pauses if end is None), default=None)
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if open_from is not None and day >= open_from:
            return None  # the clock stopped before it ran out, and has not restarted
        if _paused(day, pauses):
            continue
        if working_days and (day.weekday() >= 5 or day in closed):
            continue
        remaining -= 1
    return day


def mentor_clock_start(
    rule: str, *, accepted_on: date | None, left_hospital_on: date | None
) -> date | None:
    """When the mentor-introduction clock starts: at acceptance, or (for a service
    that introduces mentors after discharge) when an accepted patient leaves hospital."""
    if rule not in MENTOR_CLOCK_STARTS:
        raise ValueError(f"{rule!r} is not a clock start: expected acceptance or discharge")
    if accepted_on is None:
        return None
    if rule == "acceptance":
        return accepted_on
    return None if left_hospital_on is None else max(accepted_on, left_hospital_on)


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
    pauses: Sequence[Pause] = (),
) -> TargetStatus:
    if start is None:
        return TargetStatus(
            key, label, None, None, done_on, TargetState.NOT_STARTED, days, working_days
        )
    # What happens after today is not known yet: a hold's future release is not counted.
    known = [(first, end if end is None or end <= today else None) for first, end in pauses]
    known = [(first, end) for first, end in known if first <= today]
    due = due_date(start, days, working_days=working_days, holidays=holidays, pauses=known)
    if done_on is not None:
        met = due is None or done_on <= due
        state = TargetState.MET if met else TargetState.LATE
    elif _paused(today, known):
        state = TargetState.ON_HOLD
    else:
        assert due is not None  # only an open hold leaves no due date, and today is not in one
        state = TargetState.OVERDUE if today > due else TargetState.DUE
    return TargetStatus(key, label, start, due, done_on, state, days, working_days)
