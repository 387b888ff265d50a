import datetime as dt

import pytest

from alongside.core.rtw import WorkChange, rtw_outcome

INJURED = dt.date(2026, 1, 5)


def day(n: int) -> dt.date:
    return INJURED + dt.timedelta(days=n)


def test_first_return_and_days_to_it() -> None:
    outcome = rtw_outcome(
        injured_on=INJURED,
        changes=[WorkChange(day(0), False), WorkChange(day(70), True, 16)],
        as_of=day(100),
        pre_injury_hours=38,
    )
    assert outcome.first_rtw_on == day(70) and outcome.days_to_first_rtw == 70
    assert outcome.returned and outcome.follow_up_days == 70
    assert outcome.hours_now == 16 and outcome.hours_fraction == pytest.approx(16 / 38)
    assert outcome.sustained_rtw_on is None  # 16 h is under 80 % of 38 h


def test_not_yet_back_is_censored_at_the_last_follow_up() -> None:
    outcome = rtw_outcome(
        injured_on=INJURED, changes=[WorkChange(day(3), False)], as_of=day(200), pre_injury_hours=40
    )
    assert not outcome.returned and outcome.days_to_first_rtw is None
    assert outcome.follow_up_days == 200 and outcome.hours_now == 0


def test_sustained_needs_four_weeks_at_eighty_percent_of_hours() -> None:
    changes = [
        WorkChange(day(50), True, 20),  # phased, too few hours
        WorkChange(day(60), True, 32),  # 32 >= 0.8 * 40
        WorkChange(day(80), True, 40),
    ]
    assert (
        rtw_outcome(
            injured_on=INJURED, changes=changes, as_of=day(87), pre_injury_hours=40
        ).sustained_rtw_on
        is None
    )  # 27 days
    outcome = rtw_outcome(injured_on=INJURED, changes=changes, as_of=day(88), pre_injury_hours=40)
    assert outcome.sustained_rtw_on == day(60)  # 28 days from day 60


def test_a_break_restarts_the_sustained_run() -> None:
    changes = [
        WorkChange(day(10), True, 40),
        WorkChange(day(30), False),
        WorkChange(day(40), True, 40),
    ]
    outcome = rtw_outcome(injured_on=INJURED, changes=changes, as_of=day(70), pre_injury_hours=40)
    assert outcome.first_rtw_on == day(10) and outcome.sustained_rtw_on == day(40)


def test_unknown_pre_injury_hours_counts_any_work_and_changes_after_as_of_are_ignored() -> None:
    changes = [WorkChange(day(10), True, None), WorkChange(day(90), False)]
    outcome = rtw_outcome(injured_on=INJURED, changes=changes, as_of=day(40), pre_injury_hours=None)
    assert outcome.sustained_rtw_on == day(10) and outcome.hours_fraction is None
    assert outcome.hours_now is None  # at work, hours not recorded


def test_as_of_before_injury_is_refused() -> None:
    with pytest.raises(ValueError, match="before the injury"):
        rtw_outcome(injured_on=INJURED, changes=[], as_of=day(-1), pre_injury_hours=None)


def test_no_timeline_yet() -> None:
    outcome = rtw_outcome(injured_on=INJURED, changes=[], as_of=day(30), pre_injury_hours=40)
    assert not outcome.returned and outcome.hours_now is None and outcome.follow_up_days == 30
