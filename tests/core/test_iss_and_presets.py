"""ISS values that exist, "ISS above 8", and eligibility presets that say what they set."""

from __future__ import annotations

from datetime import date

import pytest

from alongside.core.codes.injury import ISS_VALUES, validate_iss
from alongside.core.eligibility import PRESETS, Outcome, ReferralFacts, evaluate, preset


def test_iss_is_a_sum_of_three_squares_of_ais_grades_or_75() -> None:
    assert {1, 2, 3, 4, 5, 6, 8, 9, 16, 17, 25, 27, 29, 33, 34, 41, 50, 75} <= ISS_VALUES
    assert not {7, 15, 23, 28, 31, 39, 47, 55, 60, 63, 71, 74} & ISS_VALUES
    assert max(ISS_VALUES) == 75 and min(ISS_VALUES) == 1
    assert validate_iss(75) == 75
    with pytest.raises(ValueError, match="7 is not a possible Injury Severity Score.* 6 and 8"):
        validate_iss(7)
    with pytest.raises(ValueError, match="from 1 to 75"):
        validate_iss(76)


def _facts(**extra: object) -> ReferralFacts:
    values: dict[str, object] = {
        "date_of_birth": date(1990, 1, 1),
        "date_of_injury": date(2025, 1, 1),
        "date_of_admission": date(2025, 2, 1),
        "date_of_referral": date(2025, 4, 15),
        "working_or_studying": True,
        "in_paid_work": True,
        "injury_category": "ortho",
        "iss": 9,
    }
    values.update(extra)
    return ReferralFacts(**values)


def test_rowtate_preset_is_iss_above_8_and_admission_within_12_weeks() -> None:
    rowtate = preset("rowtate")
    assert rowtate.label == (
        "ROWTATE trial (England): aged 16 to 69 at injury, in paid or unpaid work or "
        "full-time study at injury, admitted within the last 12 weeks, "
        "Injury Severity Score above 8"
    )
    labels = [r.label for r in evaluate(rowtate.criteria, _facts()).results]
    assert "Injury Severity Score above 8" in labels
    assert "Referred within 12 weeks of admission" in labels
    # Injured 15 weeks before referral but admitted 10 weeks before: eligible.
    assert evaluate(rowtate.criteria, _facts()).outcome is Outcome.MET
    assert evaluate(rowtate.criteria, _facts(iss=8)).outcome is Outcome.NOT_MET
    # Unpaid work and full-time study count.
    student = _facts(in_paid_work=False)
    assert evaluate(rowtate.criteria, student).outcome is Outcome.MET
    aged_70 = _facts(date_of_birth=date(1954, 6, 1))
    assert evaluate(rowtate.criteria, aged_70).outcome is Outcome.NOT_MET


def test_eivrs_preset_is_16_to_70_and_employed_before_injury() -> None:
    eivrs = preset("eivrs")
    assert eivrs.label == "EIVRS trial (Victoria): aged 16 to 70 at injury, employed before injury"
    results = {r.rule: r for r in evaluate(eivrs.criteria, _facts()).results}
    assert results["working"].label == "Employed at injury (paid work)"
    assert results["age"].label == "Aged 16 to 70 at injury"
    assert "iss" not in results and results["timing"].outcome is Outcome.MET
    student = _facts(working_or_studying=True, in_paid_work=False)
    assert evaluate(eivrs.criteria, student).outcome is Outcome.NOT_MET
    assert set(PRESETS) == {"eivrs", "rowtate"}
    with pytest.raises(ValueError, match="'naics' is not an eligibility preset"):
        preset("naics")
