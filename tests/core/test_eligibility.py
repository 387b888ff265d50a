"""Pure rules: eligibility per rule and early-intervention due dates."""

from __future__ import annotations

from datetime import date

from alongside.core.eligibility import EligibilityCriteria, Outcome, ReferralFacts, evaluate
from alongside.core.targets import TargetState, add_working_days, target_status

FACTS = ReferralFacts(
    date_of_birth=date(1990, 6, 1),
    date_of_injury=date(2025, 3, 3),
    date_of_referral=date(2025, 3, 20),
    working_or_studying=True,
    injury_category="tbi",
)


def _outcomes(
    facts: ReferralFacts, criteria: EligibilityCriteria | None = None
) -> dict[str, Outcome]:
    result = evaluate(criteria or EligibilityCriteria(), facts)
    return {r.rule: r.outcome for r in result.results}


def test_a_typical_referral_meets_every_trial_rule() -> None:
    result = evaluate(EligibilityCriteria(), FACTS)
    assert result.outcome is Outcome.MET
    assert set(_outcomes(FACTS)) == {"age", "working", "injury", "timing"}


def test_age_is_judged_at_injury_with_inclusive_bounds() -> None:
    seventy = ReferralFacts(**{**FACTS.__dict__, "date_of_birth": date(1954, 3, 4)})
    seventy_one = ReferralFacts(**{**FACTS.__dict__, "date_of_birth": date(1954, 3, 3)})
    fifteen = ReferralFacts(**{**FACTS.__dict__, "date_of_birth": date(2009, 3, 4)})
    assert _outcomes(seventy)["age"] is Outcome.MET
    assert _outcomes(seventy_one)["age"] is Outcome.NOT_MET
    assert _outcomes(fifteen)["age"] is Outcome.NOT_MET
    explanation = evaluate(EligibilityCriteria(), seventy_one).not_met[0].explanation
    assert "71" in explanation and "16 to 70" in explanation


def test_missing_facts_are_unknown_not_met() -> None:
    facts = ReferralFacts(
        date_of_birth=date(1990, 1, 1),
        date_of_injury=date(2025, 1, 1),
        date_of_referral=date(2025, 1, 10),
    )
    outcomes = _outcomes(facts)
    assert outcomes["working"] is Outcome.UNKNOWN
    assert outcomes["injury"] is Outcome.UNKNOWN
    assert evaluate(EligibilityCriteria(), facts).outcome is Outcome.UNKNOWN


def test_not_working_injury_type_and_late_referral_fail() -> None:
    facts = ReferralFacts(
        **{
            **FACTS.__dict__,
            "working_or_studying": False,
            "injury_category": "burns",
            "date_of_referral": date(2025, 5, 27),
        }
    )
    criteria = EligibilityCriteria(max_weeks_since_injury=12)
    outcomes = _outcomes(facts, criteria)
    assert outcomes == {
        "age": Outcome.MET,
        "working": Outcome.NOT_MET,
        "injury": Outcome.NOT_MET,
        "timing": Outcome.NOT_MET,
    }


def test_referral_on_the_last_day_of_the_window_is_in_time() -> None:
    on_time = ReferralFacts(**{**FACTS.__dict__, "date_of_referral": date(2025, 5, 26)})  # 84 days
    assert _outcomes(on_time)["timing"] is Outcome.MET


def test_minimum_iss_is_a_rule_only_when_set() -> None:
    assert "iss" not in _outcomes(FACTS)
    low = ReferralFacts(**{**FACTS.__dict__, "iss": 8})
    assert _outcomes(low, EligibilityCriteria(min_iss=9))["iss"] is Outcome.NOT_MET


def test_working_days_skip_weekends_and_holidays() -> None:
    friday = date(2025, 3, 7)
    assert add_working_days(friday, 5) == date(2025, 3, 14)
    assert add_working_days(friday, 1) == date(2025, 3, 10)
    assert add_working_days(friday, 1, holidays=[date(2025, 3, 10)]) == date(2025, 3, 11)
    assert add_working_days(friday, 0) == friday


def test_target_is_overdue_only_after_the_due_date() -> None:
    common = dict(key="k", label="K", start=date(2025, 3, 7), days=5, working_days=True)
    assert target_status(**common, done_on=None, today=date(2025, 3, 14)).state is TargetState.DUE
    assert (
        target_status(**common, done_on=None, today=date(2025, 3, 15)).state is TargetState.OVERDUE
    )
    assert (
        target_status(**common, done_on=date(2025, 3, 14), today=date(2025, 4, 1)).state
        is TargetState.MET
    )
    assert (
        target_status(**common, done_on=date(2025, 3, 17), today=date(2025, 4, 1)).state
        is TargetState.LATE
    )
    not_started = target_status(
        key="k",
        label="K",
        start=None,
        days=21,
        working_days=False,
        done_on=None,
        today=date(2025, 4, 1),
    )
    assert not_started.state is TargetState.NOT_STARTED and not_started.due_on is None
