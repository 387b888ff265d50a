"""The rule that injury details follow the injury type and fit together
(alongside.core.injury_details), against the examples its docstring gives."""

from __future__ import annotations

import pytest

from alongside.core.injury_details import (
    ALL_DETAIL_FIELDS,
    InjuryDetails,
    detail_fields_for,
    injury_detail_problems,
    tbi_severity_from_indicators,
    tbi_severity_from_pta,
    without_irrelevant,
)


def problems(**values: object) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in injury_detail_problems(InjuryDetails(**values))]


def test_each_kind_has_its_own_details():
    assert detail_fields_for("sci") == ("sci_level", "asia_grade")
    assert detail_fields_for("tbi") == ("tbi_severity", "gcs", "pta_days")
    assert detail_fields_for("amputation") == ("amputation_site", "amputation_laterality")
    assert detail_fields_for("ortho") == ()
    assert detail_fields_for("") == ()
    assert len(set(ALL_DETAIL_FIELDS)) == 7


def test_details_of_another_kind_are_cleared():
    sent = InjuryDetails(
        category="tbi",
        sci_level="C5",
        asia_grade="A",
        tbi_severity="severe",
        gcs=6,
        pta_days=10,
        amputation_site="transtibial",
        amputation_laterality="left",
    )
    kept = without_irrelevant(sent)
    assert (kept.tbi_severity, kept.gcs, kept.pta_days) == ("severe", 6, 10)
    assert (kept.sci_level, kept.asia_grade) == ("", "")
    assert (kept.amputation_site, kept.amputation_laterality) == ("", "")
    nothing = without_irrelevant(InjuryDetails(category="ortho", gcs=14, sci_level="T4"))
    assert nothing.gcs is None and nothing.sci_level == ""


def test_cervical_cord_code_with_a_thoracic_level_is_refused():
    found = problems(category="sci", icd10_codes=("S14.1",), sci_level="T4")
    assert len(found) == 1
    field, message = found[0]
    assert field == "sci_level"
    assert "T4" in message and "S14.1" in message and "cervical" in message
    assert "from C1 to C8" in message


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("S14.1", "C5"),
        ("S14.0", "C8"),
        ("S24.1", "T6"),
        ("S24.1", "C8"),  # a lesion of the T1 segment leaves C8 the last normal level
        ("S34.1", "L2"),
        ("S34.3", "S2"),
        ("T91.3", "C4"),  # a sequela names no part of the cord
    ],
)
def test_levels_that_fit_the_code_pass(code, level):
    assert problems(category="sci", icd10_codes=(code,), sci_level=level) == []


@pytest.mark.parametrize(("code", "level"), [("S24.1", "C5"), ("S34.1", "T6"), ("S14.0", "L1")])
def test_levels_outside_the_part_of_the_cord_are_refused(code, level):
    assert [f for f, _ in problems(category="sci", icd10_codes=(code,), sci_level=level)] == [
        "sci_level"
    ]


def test_a_level_fitting_any_of_several_cord_codes_passes():
    assert problems(category="sci", icd10_codes=("S14.1", "S24.1"), sci_level="T8") == []


def test_icd10_am_functional_code_names_the_level():
    assert (
        problems(category="sci", icd10_codes=("S14.75",), sci_level="C5", modification="am") == []
    )
    ((field, message),) = problems(
        category="sci", icd10_codes=("S14.75",), sci_level="C7", modification="am"
    )
    assert field == "sci_level" and "names the level C5" in message


def test_mild_with_gcs_5_is_refused():
    ((field, message),) = problems(category="tbi", tbi_severity="mild", gcs=5)
    assert field == "tbi_severity"
    assert message.startswith(
        "A mild brain injury has a lowest Glasgow Coma Scale score of 13 to 15"
    )
    assert "a score of 5 means a severe injury" in message


def test_severity_follows_the_worst_indicator():
    # "severe" with GCS 14 stands: amnesia or loss of consciousness can make it severe.
    assert problems(category="tbi", tbi_severity="severe", gcs=14) == []
    assert problems(category="tbi", tbi_severity="moderate", gcs=10, pta_days=3) == []
    # Two indicators against one severity: one message for each.
    found = problems(category="tbi", tbi_severity="mild", gcs=10, pta_days=14)
    assert len(found) == 2
    assert "score of 10 means a moderate injury" in found[0][1]
    assert "14 days means a severe injury" in found[1][1]


@pytest.mark.parametrize(
    ("days", "band"), [(0, "mild"), (1, "mild"), (2, "moderate"), (7, "moderate"), (8, "severe")]
)
def test_pta_bands(days, band):
    assert tbi_severity_from_pta(days) == band


def test_severity_from_indicators_is_the_worst():
    assert tbi_severity_from_indicators(14, 10) == "severe"
    assert tbi_severity_from_indicators(None, 3) == "moderate"
    assert tbi_severity_from_indicators(None, None) == ""
    with pytest.raises(ValueError):
        tbi_severity_from_pta(-1)


def test_amputation_site_must_be_in_the_region_of_the_code():
    assert (
        problems(category="amputation", icd10_codes=("S88.1",), amputation_site="transtibial") == []
    )
    ((field, message),) = problems(
        category="amputation", icd10_codes=("S88.1",), amputation_site="transfemoral"
    )
    assert field == "amputation_site"
    assert "Above knee (transfemoral)" in message and "S88.1" in message
    assert "below knee (transtibial)" in message
    ((field, _),) = problems(category="amputation", icd10_codes=("S68.1",), amputation_site="knee")
    assert field == "amputation_site"
    assert problems(category="amputation", icd10_codes=("T93.6",), amputation_site="knee") == []


def test_several_limbs_cannot_be_one_side():
    ((field, message),) = problems(
        category="amputation", icd10_codes=("T05.3",), amputation_laterality="left"
    )
    assert field == "amputation_laterality" and "more than one limb" in message
    assert (
        problems(category="amputation", icd10_codes=("T05.3",), amputation_laterality="bilateral")
        == []
    )


def test_category_without_a_code_of_its_kind_is_refused():
    ((field, message),) = problems(category="tbi", icd10_codes=("S14.1",))
    assert field == "injury_category"
    assert "traumatic brain injury" in message and "S14.1" in message
    # A fracture alongside the cord injury is fine.
    assert problems(category="sci", icd10_codes=("S22.0", "S24.1")) == []
    # No codes recorded: nothing to contradict.
    assert problems(category="tbi", tbi_severity="severe") == []


def test_one_message_per_problem_across_kinds():
    found = problems(
        category="sci", icd10_codes=("S06.5",), sci_level="T4", tbi_severity="mild", gcs=5
    )
    # The category contradicts the code; the TBI details are not this record's to check.
    assert [f for f, _ in found] == ["injury_category"]
