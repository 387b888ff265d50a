"""Engagement of a mentoring pair, from the match start and the contact dates.

Pure functions and dataclasses (no Django): the contacts app feeds them rows,
the pages show what they return, reports reuse them.

Definitions (also in docs/contacts.md):

* **days to first contact** — calendar days from the match start to the first contact;
* **contacts per month** — contacts divided by the months the match has run
  (30.44-day months; a match younger than one month counts as one month, so a
  single early contact does not read as "30 a month");
* **longest gap** — the longest run of days without contact, counting the
  stretch from the start to the first contact and from the last contact to
  today (or the end of the match), so a pair that has gone quiet shows it;
* **state** — *not started* (no contact yet), *quiet* (no contact for at least
  ``quiet_after_days``), *needs check-in* (no contact for at least
  ``check_in_after_days``), otherwise *on track*.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

DAYS_PER_MONTH = 30.44


class EngagementState(StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    NEEDS_CHECK_IN = "needs_check_in"
    QUIET = "quiet"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    EngagementState.NOT_STARTED: "Not started",
    EngagementState.ON_TRACK: "On track",
    EngagementState.NEEDS_CHECK_IN: "Needs check-in",
    EngagementState.QUIET: "Quiet",
}


@dataclass(frozen=True)
class Thresholds:
    """A service's promises about contact, in days."""

    first_contact_days: int = 7
    check_in_after_days: int = 14
    quiet_after_days: int = 21

    def problems(self) -> dict[str, str]:
        """Field name -> plain-words problem; empty when the thresholds make sense."""
        found: dict[str, str] = {}
        for name in ("first_contact_days", "check_in_after_days", "quiet_after_days"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1 or value > 365:
                found[name] = "Enter a number of days from 1 to 365."
        if not found and self.check_in_after_days >= self.quiet_after_days:
            found["check_in_after_days"] = (
                "A check-in should be prompted before the pair counts as quiet: "
                "make this fewer days than “quiet after”."
            )
        return found


@dataclass(frozen=True)
class Engagement:
    state: EngagementState
    contacts: int
    days_to_first_contact: int | None
    contacts_per_month: float
    longest_gap_days: int
    days_since_last_contact: int | None
    days_since_start: int
    last_contact_on: dt.date | None
    modes_used: tuple[str, ...] = field(default_factory=tuple)
    first_contact_overdue: bool = False

    @property
    def label(self) -> str:
        return self.state.label

    @property
    def mode_words(self) -> tuple[str, ...]:
        """The ways of keeping in touch in plain words ("In person, on the ward")."""
        from alongside.core.vocabulary import LoggedContactMode

        words = {mode.value: mode.label for mode in LoggedContactMode}
        return tuple(words.get(mode, mode) for mode in self.modes_used)

    @property
    def needs_attention(self) -> bool:
        return self.first_contact_overdue or self.state in (
            EngagementState.NEEDS_CHECK_IN,
            EngagementState.QUIET,
        )


def engagement(
    *,
    started_on: dt.date,
    contact_dates: Iterable[dt.date],
    today: dt.date,
    thresholds: Thresholds = Thresholds(),
    modes: Iterable[str] = (),
) -> Engagement:
    """The measures and state of one match as of ``today`` (the end date for an ended match).

    Contacts dated before the start count as on the start day; contacts after
    ``today`` are ignored (they cannot have happened yet).
    """
    if today < started_on:
        today = started_on
    dates = sorted({max(d, started_on) for d in contact_dates if d <= today})
    days_since_start = (today - started_on).days
    months = max(days_since_start / DAYS_PER_MONTH, 1.0)
    used = tuple(sorted(set(modes)))
    if not dates:
        return Engagement(
            state=EngagementState.NOT_STARTED,
            contacts=0,
            days_to_first_contact=None,
            contacts_per_month=0.0,
            longest_gap_days=days_since_start,
            days_since_last_contact=None,
            days_since_start=days_since_start,
            last_contact_on=None,
            modes_used=used,
            first_contact_overdue=days_since_start > thresholds.first_contact_days,
        )
    points = [started_on, *dates, today]
    longest = max((b - a).days for a, b in zip(points, points[1:], strict=False))
    since_last = (today - dates[-1]).days
    if since_last >= thresholds.quiet_after_days:
        state = EngagementState.QUIET
    elif since_last >= thresholds.check_in_after_days:
        state = EngagementState.NEEDS_CHECK_IN
    else:
        state = EngagementState.ON_TRACK
    return Engagement(
        state=state,
        contacts=len(dates),
        days_to_first_contact=(dates[0] - started_on).days,
        contacts_per_month=round(len(dates) / months, 2),
        longest_gap_days=longest,
        days_since_last_contact=since_last,
        days_since_start=days_since_start,
        last_contact_on=dates[-1],
        modes_used=used,
        first_contact_overdue=False,
    )


@dataclass(frozen=True)
class MentorEngagement:
    """One mentor's pairs summed up: how many in each state, median days to first contact."""

    matches: int
    by_state: dict[str, int]
    median_days_to_first_contact: float | None
    contacts_per_month: float


def mentor_summary(items: Sequence[Engagement]) -> MentorEngagement:
    by_state = {state.value: 0 for state in EngagementState}
    for item in items:
        by_state[item.state.value] += 1
    firsts = sorted(e.days_to_first_contact for e in items if e.days_to_first_contact is not None)
    median: float | None = None
    if firsts:
        mid = len(firsts) // 2
        median = float(firsts[mid]) if len(firsts) % 2 else (firsts[mid - 1] + firsts[mid]) / 2
    per_month = round(sum(e.contacts_per_month for e in items) / len(items), 2) if items else 0.0
    return MentorEngagement(
        matches=len(items),
        by_state=by_state,
        median_days_to_first_contact=median,
        contacts_per_month=per_month,
    )
