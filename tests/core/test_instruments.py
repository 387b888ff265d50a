"""Instrument definitions and scoring against the instruments' published rules."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from alongside.core.instruments import (
    AnswerError,
    InstrumentFileError,
    instrument,
    instruments,
    load_file,
    parse_instrument,
    score,
)
from alongside.core.instruments.loading import DEFINITIONS


def answers_summing_to(total: int, items: int, highest: int = 3) -> list[int]:
    """Answers in item order, each 0..highest, adding up to total."""
    values = []
    for _ in range(items):
        value = min(highest, total)
        values.append(value)
        total -= value
    assert total == 0
    return values


def test_every_shipped_definition_loads() -> None:
    loaded = instruments()
    assert {"phq9", "gad7", "gse", "hope", "rtw_expectation", "work_status"} <= set(loaded)
    assert {"wemwbs", "swemwbs", "eq5d5l", "hads", "herth_hope"} <= set(loaded)
    for free in ("phq9", "gad7", "gse", "hope", "rtw_expectation", "work_status"):
        assert loaded[free].has_item_text and not loaded[free].licensed
    for licensed in ("wemwbs", "swemwbs", "eq5d5l", "hads", "herth_hope"):
        assert loaded[licensed].licensed and not loaded[licensed].has_item_text


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Moderately severe"),
        (19, "Moderately severe"),
        (20, "Severe"),
        (27, "Severe"),
    ],
)
def test_phq9_bands_at_the_published_cut_points_5_10_15_20(total: int, band: str) -> None:
    result = score(instrument("phq9"), answers_summing_to(total, 9))
    assert (result.total, result.band, result.valid, result.missing) == (total, band, True, 0)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "Minimal"),
        (4, "Minimal"),
        (5, "Mild"),
        (9, "Mild"),
        (10, "Moderate"),
        (14, "Moderate"),
        (15, "Severe"),
        (21, "Severe"),
    ],
)
def test_gad7_bands_at_the_published_cut_points_5_10_15(total: int, band: str) -> None:
    result = score(instrument("gad7"), answers_summing_to(total, 7))
    assert (result.total, result.band) == (total, band)


def test_phq9_with_one_item_missing_is_prorated_and_rounded_half_up() -> None:
    # 8 answered items adding up to 12: 12 / 8 * 9 = 13.5, rounded half up to 14.
    answers: list[int | None] = [3, 3, 2, 2, 1, 1, 0, 0, None]
    result = score(instrument("phq9"), answers)
    assert (result.total, result.band, result.missing, result.prorated) == (14, "Moderate", 1, True)
    # 10 / 8 * 9 = 11.25 -> 11.
    result = score(instrument("phq9"), [2, 2, 2, 2, 1, 1, 0, None, 0])
    assert result.total == 11


def test_phq9_with_two_items_missing_has_no_total() -> None:
    result = score(instrument("phq9"), [3, 3, 3, 3, 3, 3, 3, None, None])
    assert (result.total, result.band, result.valid, result.missing) == (None, None, False, 2)


def test_gad7_with_two_items_missing_has_no_total() -> None:
    result = score(instrument("gad7"), [1, 1, 1, 1, 1, None, None])
    assert not result.valid and result.total is None


def test_phq9_item_9_raises_an_alert_whatever_the_total() -> None:
    result = score(instrument("phq9"), [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.band == "Minimal" and result.alerts == ("9",)
    assert score(instrument("phq9"), [3] * 8 + [0]).alerts == ()


def test_gse_sums_10_to_40_and_has_no_cut_off() -> None:
    gse = instrument("gse")
    assert score(gse, [1] * 10).total == 10
    assert score(gse, [4] * 10).total == 40
    full = score(gse, [3, 3, 3, 2, 3, 4, 3, 3, 2, 3])
    assert (full.total, full.band) == (29, None)


def test_gse_prorates_up_to_three_missing_items_as_the_authors_advise() -> None:
    gse = instrument("gse")
    # 7 answered, mean 20/7 = 2.857, times 10 = 28.57 -> 29 (the authors' Mean.7 times 10).
    result = score(gse, [3, 3, 3, 3, 3, 3, 2, None, None, None])
    assert (result.total, result.missing, result.valid) == (29, 3, True)
    four_missing = score(gse, [3, 3, 3, 3, 3, 3, None, None, None, None])
    assert (four_missing.total, four_missing.valid) == (None, False)


def test_reverse_scored_items_are_mirrored() -> None:
    herth = instrument("herth_hope")
    # Items 3 and 6 are reverse-scored: an answer of 1 counts as 4.
    assert score(herth, [4, 4, 1, 4, 4, 1, 4, 4, 4, 4, 4, 4]).total == 48
    assert score(herth, [1] * 12).total == 18


def test_hads_scores_its_two_subscales_with_their_bands() -> None:
    hads = instrument("hads")
    answers = [2, 0, 2, 0, 2, 0, 2, 0, 2, 1, 1, 1, 1, 1]  # anxiety 12, depression 3
    result = score(hads, answers)
    assert result.total is None
    assert result.subscales["anxiety"].value == 12
    assert result.subscales["anxiety"].band == "Abnormal"
    assert result.subscales["depression"].value == 3
    assert result.subscales["depression"].band == "Normal"
    assert result.valid


def test_single_items_and_the_unscored_work_status_questionnaire() -> None:
    assert score(instrument("hope"), [7]).total == 7
    assert not score(instrument("rtw_expectation"), [None]).valid
    work = instrument("work_status")
    result = score(work, [1, 24, 1, 0, "Office work while my leg heals", "2026-03-02"])
    assert result.valid and result.total is None and result.missing == 0
    assert score(work, [0, None, None, None, None, None]).valid
    assert not score(work, [None, None, None, None, None, None]).valid


@pytest.mark.parametrize(
    ("answers", "item", "words"),
    [
        ([4, 0, 0, 0, 0, 0, 0, 0, 0], "1", "not one of the answers"),
        ([0, -1, 0, 0, 0, 0, 0, 0, 0], "2", "not one of the answers"),
        ([0, 0, "2", 0, 0, 0, 0, 0, 0], "3", "whole number"),
        ([0, 0, 0, True, 0, 0, 0, 0, 0], "4", "whole number"),
        ([0, 0, 0, 0, 1.5, 0, 0, 0, 0], "5", "whole number"),
    ],
)
def test_bad_answers_name_the_item(answers: list[object], item: str, words: str) -> None:
    with pytest.raises(AnswerError) as raised:
        score(instrument("phq9"), answers)
    assert raised.value.item == item and words in raised.value.message


def test_the_wrong_number_of_answers_is_refused() -> None:
    with pytest.raises(AnswerError, match="PHQ-9 has 9 items; 8 answers"):
        score(instrument("phq9"), [0] * 8)


def test_scale_and_date_answers_are_checked() -> None:
    with pytest.raises(AnswerError, match="outside 0 to 10"):
        score(instrument("hope"), [11])
    with pytest.raises(AnswerError, match="not a date"):
        score(instrument("work_status"), [1, 20, 1, 1, None, "last spring"])


def _phq9_raw() -> dict[str, Any]:
    return tomllib.loads((DEFINITIONS / "phq9.toml").read_text(encoding="utf-8"))


def _refused(raw: dict[str, Any], tmp_path: Path) -> str:
    with pytest.raises(InstrumentFileError) as raised:
        parse_instrument(raw, tmp_path / "phq9.toml")
    assert raised.value.path.endswith("phq9.toml")
    return str(raised.value)


def test_a_file_with_duplicate_item_ids_is_refused(tmp_path: Path) -> None:
    raw = _phq9_raw()
    raw["items"][1]["id"] = "1"
    assert _refused(raw, tmp_path) == "phq9.toml: item id '1' is used twice"


def test_overlapping_bands_are_refused(tmp_path: Path) -> None:
    raw = _phq9_raw()
    raw["bands"][1]["min"] = 4
    assert "band 'Mild' overlaps" in _refused(raw, tmp_path)


def test_bands_with_a_gap_are_refused(tmp_path: Path) -> None:
    raw = _phq9_raw()
    raw["bands"][1]["min"] = 6
    assert "no band covers a total of 5" in _refused(raw, tmp_path)


def test_bands_that_stop_short_of_the_highest_total_are_refused(tmp_path: Path) -> None:
    raw = _phq9_raw()
    raw["bands"][-1]["max"] = 26
    assert "the highest total is 27" in _refused(raw, tmp_path)


def test_scoring_that_names_an_unknown_item_is_refused(tmp_path: Path) -> None:
    raw = _phq9_raw()
    raw["scoring"]["items"] = ["1", "2", "99"]
    raw["bands"] = []
    assert "unknown item '99'" in _refused(raw, tmp_path)


def test_a_misspelt_key_is_refused_not_ignored(tmp_path: Path) -> None:
    raw = _phq9_raw()
    raw["scoring"]["max_mising"] = 2
    assert "unknown key 'max_mising' in scoring" in _refused(raw, tmp_path)


def test_a_file_that_is_not_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text("id = [unclosed", encoding="utf-8")
    with pytest.raises(InstrumentFileError, match=r"^broken\.toml: not valid TOML"):
        load_file(path)


def test_every_instrument_but_alongsides_own_credits_its_owner_in_plain_words() -> None:
    for definition in instruments().values():
        own = definition.licence.startswith("Alongside's own")
        assert bool(definition.attribution) != own, definition.id
        assert "AGPL" not in definition.attribution
