"""Return-to-work outcomes derived from a patient's work-status timeline.

The timeline is a list of changes: from a date, the person is at work or not,
for so many hours a week. Each change holds until the next one, and the last
until the day the outcomes are worked out for (``as_of``, the last follow-up).
The outcomes are the trial's: date of and days to first return to work, hours
now against hours before the injury, and *sustained* return to work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

# Sustained RTW: at least four consecutive weeks at >= 80 % of pre-injury hours
# (the service may set other values).
SUSTAINED_DAYS = 28
SUSTAINED_FRACTION = 0.8


@dataclass(frozen=True)
class WorkChange:
    from_date: dt.date
    at_work: bool
    hours_per_week: float | None = None


@dataclass(frozen=True)
class RtwOutcome:
    first_rtw_on: dt.date | None
    days_to_first_rtw: int | None
    # For time-to-event analysis: days to first RTW if it happened, else days to as_of.
    follow_up_days: int
    returned: bool
    hours_now: float | None
    pre_injury_hours: float | None
    sustained_rtw_on: dt.date | None  # first day of the first sustained run, if any

    @property
    def hours_fraction(self) -> float | None:
        """Hours now as a share of hours before the injury (1.0 = the same)."""
        if self.hours_now is None or not self.pre_injury_hours:
            return None
        return self.hours_now / self.pre_injury_hours


def rtw_outcome(
    *,
    injured_on: dt.date,
    changes: Sequence[WorkChange],
    as_of: dt.date,
    pre_injury_hours: float | None,
    sustained_days: int = SUSTAINED_DAYS,
    sustained_fraction: float = SUSTAINED_FRACTION,
) -> RtwOutcome:
    """Outcomes of one timeline. Changes after ``as_of`` or before the injury are ignored.

    When pre-injury hours are unknown, any time at work counts towards a
    sustained return (the hours test cannot be made); say so where it is shown.
    """
    if as_of < injured_on:
        raise ValueError("as_of is before the injury")
    timeline = sorted(
        (c for c in changes if injured_on <= c.from_date <= as_of), key=lambda c: c.from_date
    )
    first = next((c.from_date for c in timeline if c.at_work), None)
    threshold = sustained_fraction * pre_injury_hours if pre_injury_hours else None

    def qualifies(change: WorkChange) -> bool:
        if not change.at_work:
            return False
        if threshold is None:
            return True
        return change.hours_per_week is not None and change.hours_per_week >= threshold

    sustained_on = None
    run_start: dt.date | None = None
    ends = [c.from_date for c in timeline[1:]] + [as_of] if timeline else []
    for change, end in zip(timeline, ends, strict=True):
        if qualifies(change):
            run_start = run_start or change.from_date
            if (end - run_start).days >= sustained_days:
                sustained_on = run_start
                break
        else:
            run_start = None
    latest = timeline[-1] if timeline else None
    hours_now = (latest.hours_per_week if latest.at_work else 0.0) if latest is not None else None
    return RtwOutcome(
        first_rtw_on=first,
        days_to_first_rtw=(first - injured_on).days if first else None,
        follow_up_days=((first or as_of) - injured_on).days,
        returned=first is not None,
        hours_now=hours_now,
        pre_injury_hours=pre_injury_hours,
        sustained_rtw_on=sustained_on,
    )
