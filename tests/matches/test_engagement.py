"""Engagement feedback: the pure statistics, and the report on real match rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alongside.core import match_engagement as stats
from alongside.matches.engagement import engagement_report
from alongside.matches.models import MatchStatus
from tests.matches.factories import MatchFactory

WEIGHTS = {"injury": 3.0, "work": 3.0}


def _outcomes(n: int, engaged_when_injury_high: bool = True) -> list[stats.Outcome]:
    rows = []
    for i in range(n):
        injury = 1.0 if i % 2 else 0.2
        rows.append(
            stats.Outcome(
                parts={"injury": injury, "work": 0.5 + (i % 3) / 10},
                engaged=(injury > 0.5) == engaged_when_injury_high,
            )
        )
    return rows


def test_correlation_edge_cases() -> None:
    assert stats.correlation([0, 1, 2], [0, 1, 2]) == pytest.approx(1.0)
    assert stats.correlation([0, 1, 2], [2, 1, 0]) == pytest.approx(-1.0)
    assert stats.correlation([1, 1, 1], [0, 1, 0]) is None  # no variation
    assert stats.correlation([0, 1], [0, 1]) is None  # too few
    with pytest.raises(ValueError):
        stats.correlation([0, 1, 2], [0, 1])


def test_no_suggestion_without_enough_data_and_says_why() -> None:
    summary = stats.summarise(_outcomes(10), ["injury", "work"], WEIGHTS)
    assert not summary.enough_data and summary.suggested_weights == {}
    assert "Only 10 matches" in summary.why_not_enough


def test_no_suggestion_when_one_outcome_is_rare() -> None:
    rows = [stats.Outcome(parts={"injury": 0.5}, engaged=True) for _ in range(40)]
    rows += [stats.Outcome(parts={"injury": 0.1}, engaged=False) for _ in range(3)]
    summary = stats.summarise(rows, ["injury"], {"injury": 1.0})
    assert not summary.enough_data and "3 did not" in summary.why_not_enough


def test_predictive_criterion_gains_weight_total_kept() -> None:
    summary = stats.summarise(_outcomes(40), ["injury", "work"], WEIGHTS)
    injury = summary.criteria[0]
    assert injury.correlation == pytest.approx(1.0)
    assert injury.bands[0].rate == 0.0 and injury.bands[2].rate == 1.0
    assert summary.suggested_weights["injury"] > WEIGHTS["injury"]
    assert sum(summary.suggested_weights.values()) == pytest.approx(6.0, abs=0.11)


def test_missing_scores_are_left_out_not_counted_as_zero() -> None:
    rows = [stats.Outcome(parts={"injury": None}, engaged=True) for _ in range(5)]
    row = stats.criterion_engagement("injury", rows)
    assert row.recorded == 0 and row.correlation is None


@pytest.mark.django_db
def test_report_uses_end_reasons(world) -> None:
    started = timezone.now() - dt.timedelta(days=100)
    for i in range(40):
        good = i % 2 == 0
        MatchFactory(
            service=world.home,
            status=MatchStatus.ENDED,
            started_at=started,
            ended_at=timezone.now(),
            end_reason="goals_met" if good else "no_contact",
            criterion_scores={"injury": 0.9 if good else 0.3, "work": 0.5},
        )
    # Ended as "mentor unavailable" with no contact in 8 weeks: judged by its contacts.
    MatchFactory(
        service=world.home,
        status=MatchStatus.ENDED,
        started_at=started,
        end_reason="mentor_unavailable",
        criterion_scores={"injury": 0.3},
    )
    # Started a week ago: too young for "contacts in the first 8 weeks" to judge.
    MatchFactory(
        service=world.home,
        status=MatchStatus.ACTIVE,
        started_at=timezone.now() - dt.timedelta(days=7),
    )
    report = engagement_report(world.home)
    summary = report["summary"]
    assert summary.matches == 41 and summary.engaged == 20 and summary.enough_data
    assert summary.criteria[0].correlation == pytest.approx(1.0)
    assert report["rows"][0]["suggested"] > report["rows"][0]["weight"]
    bar = report["bars"][0]
    assert bar.positive and bar.width == pytest.approx(200.0)
