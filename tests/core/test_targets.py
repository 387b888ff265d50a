"""Target clocks: public holidays per service, closure days, holds, when the mentor clock starts."""

from __future__ import annotations

from datetime import date

import pytest

from alongside.core.targets import (
    TargetState,
    add_working_days,
    due_date,
    mentor_clock_start,
    public_holidays,
    target_status,
    validate_holiday_calendar,
)


def test_victorias_melbourne_cup_day_is_not_a_working_day_in_victoria_only() -> None:
    cup_day = date(2025, 11, 4)  # a Tuesday, a public holiday in Victoria
    victoria = public_holidays("AU", "VIC", [2025])
    assert cup_day in victoria and cup_day not in public_holidays("AU", "NSW", [2025])
    monday = date(2025, 11, 3)
    assert add_working_days(monday, 1, victoria) == date(2025, 11, 5)
    assert add_working_days(monday, 1, public_holidays("AU", "NSW", [2025])) == cup_day


def test_easter_monday_is_a_bank_holiday_in_england_not_scotland() -> None:
    easter_monday = date(2025, 4, 21)
    assert easter_monday in public_holidays("GB", "ENG", [2025])
    assert easter_monday not in public_holidays("GB", "SCT", [2025])


def test_closure_days_add_to_the_public_holidays() -> None:
    closed = public_holidays("GB", "ENG", [2025]) | {date(2025, 12, 29), date(2025, 12, 30)}
    # Wednesday 24 Dec + 3 working days: 25 and 26 are bank holidays, 29 and 30 closed.
    assert add_working_days(date(2025, 12, 24), 3, closed) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("country", "subdivision", "message"),
    [("ZZ", "", "ZZ is not a country"), ("AU", "XYZ", "XYZ is not a subdivision of AU")],
)
def test_an_unknown_calendar_is_refused_by_name(country, subdivision, message) -> None:
    with pytest.raises(ValueError, match=message):
        validate_holiday_calendar(country, subdivision)
    assert validate_holiday_calendar(" au", "vic ") == ("AU", "VIC")


def test_a_hold_stops_the_clock_for_its_days() -> None:
    accepted = date(2025, 3, 3)
    # 21 days from acceptance is 24 March; a hold of 10 days (5 to 15 March) moves it to 3 April.
    assert due_date(accepted, 21, working_days=False) == date(2025, 3, 24)
    hold = [(date(2025, 3, 5), date(2025, 3, 15))]
    assert due_date(accepted, 21, working_days=False, pauses=hold) == date(2025, 4, 3)
    status = target_status(
        key="mentor_introduced",
        label="Peer mentor introduced",
        start=accepted,
        days=21,
        working_days=False,
        done_on=None,
        today=date(2025, 3, 30),
        pauses=hold,
    )
    assert status.state is TargetState.DUE and status.due_on == date(2025, 4, 3)


def test_a_case_on_hold_today_is_never_overdue() -> None:
    referred = date(2025, 3, 3)
    common = dict(key="first_contact", label="First therapist contact", start=referred, days=5)
    overdue = target_status(**common, working_days=True, done_on=None, today=date(2025, 3, 20))
    assert overdue.state is TargetState.OVERDUE
    held = target_status(
        **common,
        working_days=True,
        done_on=None,
        today=date(2025, 3, 20),
        pauses=[(date(2025, 3, 4), None)],
    )
    assert held.state is TargetState.ON_HOLD and not held.is_overdue and held.due_on is None
    # Held from the 4th, released on the 20th: the five working days are counted from
    # the release, Thursday 20th to Wednesday 26th.
    released = target_status(
        **common,
        working_days=True,
        done_on=None,
        today=date(2025, 3, 21),
        pauses=[(date(2025, 3, 4), date(2025, 3, 20))],
    )
    assert released.state is TargetState.DUE and released.due_on == date(2025, 3, 26)


def test_the_mentor_clock_starts_at_acceptance_or_at_discharge() -> None:
    accepted, home = date(2025, 3, 3), date(2025, 4, 10)
    assert mentor_clock_start("acceptance", accepted_on=accepted, left_hospital_on=home) == accepted
    assert mentor_clock_start("discharge", accepted_on=accepted, left_hospital_on=home) == home
    assert mentor_clock_start("discharge", accepted_on=accepted, left_hospital_on=None) is None
    # Discharged before the referral was accepted: the clock starts at acceptance.
    early = date(2025, 2, 1)
    assert mentor_clock_start("discharge", accepted_on=accepted, left_hospital_on=early) == accepted
    assert mentor_clock_start("acceptance", accepted_on=None, left_hospital_on=home) is None
    with pytest.raises(ValueError, match="admission"):
        mentor_clock_start("admission", accepted_on=accepted, left_hospital_on=home)
