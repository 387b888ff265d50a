import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core import notify_rules as rules

T = dt.time


def test_window_within_a_day() -> None:
    assert rules.in_quiet_hours(T(13, 0), T(12, 0), T(14, 0))
    assert not rules.in_quiet_hours(T(14, 0), T(12, 0), T(14, 0))
    assert not rules.in_quiet_hours(T(11, 59), T(12, 0), T(14, 0))


def test_window_across_midnight() -> None:
    assert rules.in_quiet_hours(T(23, 30), T(22, 0), T(7, 0))
    assert rules.in_quiet_hours(T(3, 0), T(22, 0), T(7, 0))
    assert not rules.in_quiet_hours(T(7, 0), T(22, 0), T(7, 0))
    assert not rules.in_quiet_hours(T(12, 0), T(22, 0), T(7, 0))


def test_no_window_is_never_quiet() -> None:
    assert not rules.in_quiet_hours(T(3, 0), None, None)
    assert not rules.in_quiet_hours(T(3, 0), T(5, 0), T(5, 0))


def test_quiet_hours_end_is_the_next_morning_in_the_recipients_zone() -> None:
    # 23:30 in Melbourne (AEDT, UTC+11) on 10 January.
    now = dt.datetime(2025, 1, 10, 12, 30, tzinfo=dt.UTC)
    end = rules.quiet_hours_end(now, T(21, 0), T(8, 0), "Australia/Melbourne")
    assert end == dt.datetime(2025, 1, 10, 21, 0, tzinfo=dt.UTC)  # 08:00 on 11 Jan local


def test_quiet_hours_end_same_morning() -> None:
    now = dt.datetime(2025, 6, 2, 5, 0, tzinfo=dt.UTC)  # 06:00 in London (BST)
    end = rules.quiet_hours_end(now, T(21, 0), T(8, 0), "Europe/London")
    assert end == dt.datetime(2025, 6, 2, 7, 0, tzinfo=dt.UTC)


def test_outside_quiet_hours_there_is_no_end() -> None:
    now = dt.datetime(2025, 6, 2, 12, 0, tzinfo=dt.UTC)
    assert rules.quiet_hours_end(now, T(21, 0), T(8, 0), "Europe/London") is None


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        rules.quiet_hours_end(dt.datetime(2025, 1, 1), T(1, 0), T(2, 0), "UTC")


def test_backoff_doubles_then_caps() -> None:
    schedule = rules.backoff_schedule(5)
    assert [d.total_seconds() for d in schedule] == [60, 120, 240, 480, 960]
    assert rules.backoff_delay(40) == dt.timedelta(hours=6)
    with pytest.raises(ValueError):
        rules.backoff_delay(0)


@given(
    st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    st.times(),
    st.times(),
)
def test_resume_time_is_in_the_future_and_outside_the_window(now, start, end) -> None:
    resume = rules.quiet_hours_end(now, start, end, "UTC")
    if resume is None:
        assert not rules.in_quiet_hours(now.time(), start, end)
    else:
        assert now < resume <= now + dt.timedelta(days=1)
        assert not rules.in_quiet_hours(resume.time(), start, end)
