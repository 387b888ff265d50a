"""core.engagement: measures and state of a pair from the match start and contact dates."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from alongside.core.engagement import EngagementState, Thresholds, engagement, mentor_summary

START = dt.date(2025, 1, 1)


def d(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def test_not_started_and_overdue_after_the_first_contact_target() -> None:
    fresh = engagement(started_on=START, contact_dates=[], today=d(7))
    assert fresh.state == EngagementState.NOT_STARTED and not fresh.first_contact_overdue
    late = engagement(started_on=START, contact_dates=[], today=d(8))
    assert late.state == EngagementState.NOT_STARTED and late.first_contact_overdue
    assert late.longest_gap_days == 8 and late.days_to_first_contact is None
    assert late.needs_attention


def test_on_track_needs_check_in_and_quiet_by_days_since_last_contact() -> None:
    contacts = [d(2), d(9)]
    assert engagement(started_on=START, contact_dates=contacts, today=d(22)).state == (
        EngagementState.ON_TRACK
    )  # 13 days since the last
    assert engagement(started_on=START, contact_dates=contacts, today=d(23)).state == (
        EngagementState.NEEDS_CHECK_IN
    )  # 14
    assert engagement(started_on=START, contact_dates=contacts, today=d(30)).state == (
        EngagementState.QUIET
    )  # 21


def test_service_thresholds_are_used() -> None:
    strict = Thresholds(first_contact_days=2, check_in_after_days=3, quiet_after_days=5)
    result = engagement(started_on=START, contact_dates=[d(1)], today=d(6), thresholds=strict)
    assert result.state == EngagementState.QUIET


def test_measures() -> None:
    result = engagement(
        started_on=START,
        contact_dates=[d(3), d(10), d(40), d(45), d(45)],
        today=d(61),
        modes=["phone", "in_person_ward", "phone"],
    )
    assert result.contacts == 4  # two on one day count once
    assert result.days_to_first_contact == 3
    assert result.longest_gap_days == 30  # day 10 to day 40
    assert result.days_since_last_contact == 16
    assert result.contacts_per_month == round(4 / (61 / 30.44), 2)
    assert result.modes_used == ("in_person_ward", "phone")
    assert result.last_contact_on == d(45)


def test_a_young_match_counts_as_one_month() -> None:
    assert engagement(started_on=START, contact_dates=[d(1)], today=d(3)).contacts_per_month == 1.0


def test_open_gap_since_the_last_contact_counts() -> None:
    result = engagement(started_on=START, contact_dates=[d(1), d(2)], today=d(50))
    assert result.longest_gap_days == 48


def test_future_and_early_dates() -> None:
    result = engagement(started_on=START, contact_dates=[d(-3), d(90)], today=d(10))
    assert result.contacts == 1 and result.days_to_first_contact == 0


def test_thresholds_problems() -> None:
    assert Thresholds().problems() == {}
    assert "check_in_after_days" in Thresholds(check_in_after_days=30).problems()
    assert "quiet_after_days" in Thresholds(quiet_after_days=0).problems()


def test_mentor_summary() -> None:
    items = [
        engagement(started_on=START, contact_dates=[d(2)], today=d(5)),
        engagement(started_on=START, contact_dates=[d(6)], today=d(40)),
        engagement(started_on=START, contact_dates=[], today=d(3)),
    ]
    summary = mentor_summary(items)
    assert summary.matches == 3
    assert summary.by_state == {
        "not_started": 1,
        "on_track": 1,
        "needs_check_in": 0,
        "quiet": 1,
    }
    assert summary.median_days_to_first_contact == 4.0
    assert mentor_summary([]).median_days_to_first_contact is None


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=30), st.integers(0, 400))
def test_invariants(offsets: list[int], today_offset: int) -> None:
    result = engagement(
        started_on=START, contact_dates=[d(n) for n in offsets], today=d(today_offset)
    )
    assert result.longest_gap_days <= result.days_since_start
    assert result.contacts == len({n for n in offsets if n <= today_offset})
    if result.contacts:
        assert result.days_since_last_contact is not None
        assert result.longest_gap_days >= result.days_since_last_contact
        assert result.state != EngagementState.NOT_STARTED
    else:
        assert result.state == EngagementState.NOT_STARTED
