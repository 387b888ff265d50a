"""The pure programme rules (alongside.core.mentor_programme): no database."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core import mentor_programme as rules

TODAY = dt.date(2025, 6, 15)


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("enquiry", "screening", True),
        ("enquiry", "active", False),
        ("screening", "training", False),
        ("training", "active", True),
        ("active", "paused", True),
        ("paused", "active", True),
        ("active", "declined", False),
        ("retired", "active", False),
        ("declined", "screening", False),
    ],
)
def test_transitions(current: str, target: str, allowed: bool) -> None:
    if allowed:
        rules.require_transition(current, target)
    else:
        with pytest.raises(rules.ProgrammeRuleError, match="cannot go from"):
            rules.require_transition(current, target)


def test_only_the_pipeline_reaches_active() -> None:
    reach = {s for s, targets in rules.TRANSITIONS.items() if "active" in targets}
    assert reach == {"training", "paused"}


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
    st.integers(min_value=0, max_value=400),
)
def test_add_months_then_whole_months_between_round_trips(start: dt.date, months: int) -> None:
    assert rules.whole_months_between(start, rules.add_months(start, months)) == months


def test_add_months_clamps_to_month_end() -> None:
    assert rules.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)


def test_months_since_injury_criterion() -> None:
    c = rules.Criterion(1, "12 months since injury", True, "months_since_injury", 12)
    young = rules.LivedExperience(dt.date(2024, 7, 1), None)
    old = rules.LivedExperience(dt.date(2024, 6, 15), None)
    assert rules.evaluate_criteria([c], {}, young, TODAY)[0].met is False
    assert rules.evaluate_criteria([c], {}, old, TODAY)[0].met is True


def test_criteria_problems_name_each_missing_required_criterion() -> None:
    criteria = [
        rules.Criterion(1, "Interview done", True),
        rules.Criterion(2, "Two references", True),
        rules.Criterion(3, "Nice to have", False),
        rules.Criterion(4, "Back at work", True, "returned_to_work"),
    ]
    statuses = rules.evaluate_criteria(
        criteria, {1: True, 2: False}, rules.LivedExperience(None, None), TODAY
    )
    problems = rules.criteria_problems(statuses)
    assert len(problems) == 2
    assert "Two references" in problems[0] and "Back at work" in problems[1]


def _check(kind: str, issued: str, expires: str | None, outcome: str = "clear") -> rules.CheckFact:
    return rules.CheckFact(
        kind,
        dt.date.fromisoformat(issued),
        dt.date.fromisoformat(expires) if expires else None,
        outcome,
    )


def test_checks_valid_until_is_the_earliest_current_expiry() -> None:
    checks = [
        _check("background", "2022-01-01", "2025-01-01"),
        _check("background", "2024-12-01", "2027-12-01"),  # renewal replaces the old one
        _check("wwvp", "2023-01-01", "2026-03-01"),
        _check("reference", "2023-06-01", None),  # no expiry: re-checked after 36 months
    ]
    assert rules.checks_valid_until(checks) == dt.date(2026, 3, 1)
    assert rules.check_problems(checks, TODAY) == []


def test_checks_need_a_clear_background_check() -> None:
    assert rules.checks_valid_until([_check("reference", "2024-01-01", None)]) is None
    pending = [_check("background", "2025-01-01", "2028-01-01", "pending")]
    assert rules.checks_valid_until(pending) is None
    assert rules.check_problems(pending, TODAY) == [
        "The police / background check is still pending"
    ]


def test_expired_check_is_a_problem_and_expiring_soon_is_listed() -> None:
    checks = [
        _check("background", "2022-06-01", "2025-06-01"),
        _check("wwvp", "2020-01-01", "2025-07-01"),
    ]
    assert rules.check_problems(checks, TODAY) == [
        "The police / background check expired on 01 Jun 2025"
    ]
    assert [c.kind for c in rules.checks_expiring(checks, TODAY, 30)] == ["wwvp"]


def test_training_valid_until_and_lapsed_modules() -> None:
    modules = [
        rules.Module(1, "Intro", True),
        rules.Module(2, "Safeguarding", True, 12),
        rules.Module(3, "Optional", False, 6),
    ]
    done = [
        rules.Completion(1, dt.date(2020, 1, 1)),
        rules.Completion(2, dt.date(2024, 6, 1)),
        rules.Completion(2, dt.date(2023, 1, 1)),
    ]
    assert rules.training_valid_until(modules, done) == dt.date(2025, 5, 31)
    statuses = rules.training_statuses(modules, done, TODAY)
    assert [s.state for s in statuses] == ["done", "lapsed", "optional"]
    assert rules.training_problems(statuses) == [
        "Required training lapsed on 31 May 2025: Safeguarding"
    ]
    assert rules.training_valid_until(modules, done[:1]) is None


def test_supervision_grace_period() -> None:
    due = dt.date(2025, 6, 1)
    assert rules.supervision_overdue_days(due, TODAY) == 14
    assert not rules.supervision_blocks_matching(due, TODAY, 14)
    assert rules.supervision_blocks_matching(due, TODAY, 13)


def test_matchability_gives_every_reason() -> None:
    state = rules.MentorState("paused", 2, 2, dt.date(2025, 1, 1), None, dt.date(2025, 1, 1))
    verdict = rules.matchability(state, TODAY, 14)
    assert not verdict.matchable
    assert len(verdict.reasons) == 5
    ok = rules.MentorState("active", 2, 1, rules.NEVER, rules.NEVER, TODAY)
    assert rules.matchability(ok, TODAY, 14) == rules.Matchability(True, [])


@pytest.mark.parametrize(
    ("score", "talk", "flag"),
    [(1, False, True), (2, False, True), (3, False, False), (5, True, True)],
)
def test_checkin_alert_rule(score: int, talk: bool, flag: bool) -> None:
    assert rules.checkin_needs_attention(score, talk) is flag


@pytest.mark.parametrize("capacity", [-1, 21, 2.5, True])
def test_capacity_out_of_range(capacity: object) -> None:
    with pytest.raises(ValueError, match="0 to 20"):
        rules.validate_capacity(capacity)


def test_date_rules() -> None:
    with pytest.raises(ValueError, match="future"):
        rules.validate_date_of_injury(TODAY + dt.timedelta(days=1), TODAY)
    with pytest.raises(ValueError, match="before the issue date"):
        rules.validate_check_dates(TODAY, TODAY - dt.timedelta(days=1), TODAY)
    with pytest.raises(ValueError, match="before the date of injury"):
        rules.validate_returned_to_work_on(dt.date(2020, 1, 1), dt.date(2021, 1, 1), TODAY)


def test_unknown_choices_are_refused() -> None:
    with pytest.raises(ValueError, match="'fly'"):
        rules.validate_choices(["phone", "fly"], rules.CONTACT_MODES, "contact mode")
    assert rules.validate_choices(["phone", "phone"], rules.CONTACT_MODES, "x") == ["phone"]
