"""Unitising, per-code agreement and code co-occurrence (alongside.core.qda)."""

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from alongside.core.qda import QdaError
from alongside.core.qda.cooccurrence import cooccurrence
from alongside.core.qda.transcripts import transcript_from_text
from alongside.core.qda.units import CodedTranscript, agreement_by_code, coder_matrix, unit_bounds

TEXT = "Interviewer: Was it useful?\nP1: Yes! It gave me hope. I went back.\nInterviewer: Thanks."


def pieces(text, unit, turns=()):
    return [text[s:e] for s, e in unit_bounds(text, unit, turns)]


def test_sentences_and_turns():
    assert pieces(TEXT, "sentence") == [
        "Interviewer: Was it useful?",
        "P1: Yes!",
        "It gave me hope.",
        "I went back.",
        "Interviewer: Thanks.",
    ]
    assert pieces(TEXT, "turn") == TEXT.split("\n")
    turns = transcript_from_text("Intro\n\nA: one\ntwo\nB: three").turns
    assert pieces("Intro\n\nA: one\ntwo\nB: three", "turn", turns) == [
        "Intro",
        "A: one\ntwo",
        "B: three",
    ]


def test_characters_skip_white_space():
    assert pieces("a b\nc", "character") == ["a", "b", "c"]
    with pytest.raises(QdaError, match="unit must be one of character, sentence, turn"):
        unit_bounds(TEXT, "word")


def test_coder_matrix_marks_overlap_and_missing_coders():
    bounds = [(0, 5), (5, 10), (10, 15)]
    rows = coder_matrix(bounds, {"ana": [(4, 6)], "ben": [(5, 5), (10, 11)], "cai": None})
    assert rows == [[1, 1, 0], [0, 0, 1], [None, None, None]]
    assert coder_matrix(bounds, {"ana": [(0, 5)]}) == [[1, 0, 0]]  # touching is not overlapping


def test_agreement_by_code_equals_the_reference_implementations():
    first = CodedTranscript(
        TEXT,
        {
            "ana": {"hope": [(TEXT.index("It gave"), TEXT.index("I went"))], "work": [(55, 66)]},
            "ben": {"hope": [(TEXT.index("Yes"), TEXT.index("hope") + 4)]},
        },
    )
    second_text = "P2: I was scared. Then my mentor came. Now I work."
    second = CodedTranscript(second_text, {"ana": {"hope": [(18, 38)]}, "ben": {"hope": [(0, 38)]}})
    report = agreement_by_code([first, second], "sentence")
    assert report.coders == ("ana", "ben")
    hope = report.by_code["hope"]
    ana = [0, 0, 1, 0, 0, 0, 1, 0]
    ben = [0, 1, 1, 0, 0, 1, 1, 0]
    assert hope.units == 8
    assert hope.percent == pytest.approx(6 / 8)
    assert hope.kappa == pytest.approx(cohen_kappa_score(ana, ben))
    expected_alpha = krippendorff.alpha(np.array([ana, ben]), level_of_measurement="nominal")
    assert hope.alpha == pytest.approx(expected_alpha)
    work = report.by_code["work"]
    assert work.kappa == pytest.approx(0.0)  # only ana used it: no agreement beyond chance
    assert report.overall.units == 16


def test_a_coder_who_did_not_code_a_transcript_is_missing_not_disagreeing():
    text = "One. Two. Three."
    report = agreement_by_code(
        [
            CodedTranscript(text, {"ana": {"c": [(0, 4)]}, "ben": {"c": [(0, 4)]}, "cai": None}),
            CodedTranscript(text, {"ana": {"c": [(5, 9)]}, "ben": None, "cai": {"c": [(5, 9)]}}),
        ],
        "sentence",
    )
    result = report.by_code["c"]
    assert result.kappa is None  # three coders
    assert result.percent == 1.0 and result.alpha == 1.0
    rows = [[1, 0, 0, 0, 1, 0], [1, 0, 0, None, None, None], [None, None, None, 0, 1, 0]]
    data = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    assert result.alpha == pytest.approx(krippendorff.alpha(data, level_of_measurement="nominal"))


def test_a_code_nobody_used_is_not_measurable():
    report = agreement_by_code(
        [CodedTranscript("One. Two.", {"ana": {}, "ben": {}})], "sentence", codes=["unused"]
    )
    assert math.isnan(report.by_code["unused"].alpha)
    assert math.isnan(report.by_code["unused"].kappa)
    assert report.by_code["unused"].percent == 1.0


def test_cooccurrence_counts_overlapping_spans_in_the_same_source():
    spans = [
        ("s1", 0, 10, "hope"),
        ("s1", 5, 12, "work"),
        ("s1", 10, 12, "hope"),
        ("s1", 12, 20, "fear"),  # touches work and hope: not together
        ("s2", 0, 5, "work"),
        ("s2", 2, 3, "hope"),
        ("s2", 0, 9, "work"),
        ("s3", 0, 5, "fear"),
        ("s4", 0, 5, "hope"),  # same place, different sources
    ]
    assert cooccurrence(spans) == {("hope", "work"): 4}
    assert cooccurrence([]) == {}
