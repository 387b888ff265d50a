"""Matching a vocational therapist would trust (issue 11, section 3): function-aware
SCI and amputation similarity, missing data never winning, the same-category floor,
the mentor's return-to-work job, cause of injury, and reasons in a clinician's words."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core.codes.injury import AMPUTATION_SITES, ASIA_GRADES, SCI_LEVELS
from alongside.core.matching import PatientProfile, Weights, explain, rank
from alongside.core.matching.similarity import INJURY_FLOOR, injury_similarity, work_similarity
from tests.core.helpers import ready_mentor

P = PatientProfile
FACTS = dict(age=40, region="Geelong", occupation_code="7112", occupation_classification="isco08")


def _sci(mentor_id: str, level: str | None, grade: str | None = "A", **extra: object):
    return ready_mentor(
        mentor_id, injury_category="sci", sci_level=level, asia_grade=grade, **FACTS, **extra
    )


def test_c6_ais_a_sees_a_c5_ais_a_mentor_above_every_thoracic_and_lumbar_mentor() -> None:
    patient = P("p", injury_category="sci", sci_level="C6", asia_grade="A", **FACTS)
    others = [lvl for lvl in SCI_LEVELS if lvl[0] in "TL"]
    mentors = [_sci("c5", "C5")] + [
        _sci(f"{lvl}-{g}", lvl, g) for lvl in others for g in ASIA_GRADES
    ]
    ranked = rank(patient, mentors, Weights())
    assert ranked[0].mentor_id == "c5"
    assert ranked[0].total > ranked[1].total


@pytest.mark.parametrize(
    ("patient_level", "same_side", "other_side"),
    [
        ("C8", "C7", "T1"),  # one segment either way: tetraplegia stays closer than paraplegia
        ("C6", "C5", "C7"),  # C5-6 band against C7-T1
        ("T6", "T5", "T7"),  # T2-6 against T7-12
        ("T12", "T11", "L1"),
    ],
)
def test_function_not_segment_count_breaks_ties(
    patient_level: str, same_side: str, other_side: str
) -> None:
    patient = P("p", injury_category="sci", sci_level=patient_level, asia_grade="A")
    near = injury_similarity(patient, _sci("a", same_side)).score
    across = injury_similarity(patient, _sci("b", other_side)).score
    assert near is not None and across is not None and near > across


def test_ais_groups_complete_and_d_e_together() -> None:
    patient = P("p", injury_category="sci", sci_level="C6", asia_grade="D")
    d_e = injury_similarity(patient, _sci("e", "C6", "E")).score
    c = injury_similarity(patient, _sci("c", "C6", "C")).score
    a = injury_similarity(patient, _sci("a", "C6", "A")).score
    assert d_e == 1.0 and d_e > c > a


def test_partial_foot_is_not_close_to_transtibial_and_laterality_counts() -> None:
    patient = P(
        "p",
        injury_category="amputation",
        amputation_site="transtibial",
        amputation_laterality="left",
    )

    def score(site: str, side: str | None = "left") -> float:
        mentor = ready_mentor(
            "m", injury_category="amputation", amputation_site=site, amputation_laterality=side
        )
        value = injury_similarity(patient, mentor).score
        assert value is not None
        return value

    assert score("transtibial") == 1.0
    assert score("transtibial") > score("transtibial", "right") > score("transtibial", "bilateral")
    assert score("partial_foot") < score("transtibial", "bilateral")
    assert score("partial_foot") <= INJURY_FLOOR + (1 - INJURY_FLOOR) * 0.6
    assert score("transradial") < score("partial_foot")


_sites = st.sampled_from([s.id for s in AMPUTATION_SITES])
_levels = st.sampled_from(SCI_LEVELS)
_grades = st.sampled_from(ASIA_GRADES)


@given(_levels, _grades, _levels, _grades)
def test_an_unrecorded_sci_detail_never_beats_a_recorded_one(
    p_level: str, p_grade: str, m_level: str, m_grade: str
) -> None:
    patient = P("p", injury_category="sci", sci_level=p_level, asia_grade=p_grade)
    recorded = injury_similarity(patient, _sci("r", m_level, m_grade)).score
    for level, grade in ((None, m_grade), (m_level, None), (None, None)):
        missing = injury_similarity(patient, _sci("m", level, grade)).score
        assert missing is not None and recorded is not None and missing <= recorded


@given(_sites, _sites)
def test_an_unrecorded_amputation_site_never_beats_a_recorded_one(p_site: str, m_site: str) -> None:
    patient = P("p", injury_category="amputation", amputation_site=p_site)
    recorded = injury_similarity(
        patient, ready_mentor("r", injury_category="amputation", amputation_site=m_site)
    ).score
    missing = injury_similarity(patient, ready_mentor("m", injury_category="amputation")).score
    assert missing is not None and recorded is not None and missing <= recorded


def test_missing_criteria_do_not_lift_a_mentor_above_a_recorded_dissimilar_one() -> None:
    patient = P(
        "p",
        injury_category="tbi",
        tbi_severity="severe",
        age=30,
        region="Geelong",
        languages=("English",),
        availability=frozenset({"mon-am"}),
        contact_modes=frozenset({"phone"}),
    )
    recorded = ready_mentor(
        "recorded",
        injury_category="tbi",
        tbi_severity="severe",
        age=55,
        region="Bendigo",
        languages=("Greek",),
        availability=frozenset({"fri-pm"}),
        contact_modes=frozenset({"video"}),
    )
    missing = ready_mentor("missing", injury_category="tbi", tbi_severity="severe")
    ranked = rank(patient, [missing, recorded], Weights())
    assert [s.total for s in ranked][0] == pytest.approx(ranked[1].total)
    assert {s.mentor_id: s.total for s in ranked}["missing"] <= {
        s.mentor_id: s.total for s in ranked
    }["recorded"]


def test_the_same_category_floor_leaves_the_order_to_the_details() -> None:
    patient = P("p", injury_category="sci", sci_level="C6", asia_grade="A")
    exact = injury_similarity(patient, _sci("a", "C6", "A")).score
    unlike = injury_similarity(patient, _sci("b", "S5", "E")).score
    other = injury_similarity(patient, ready_mentor("c", injury_category="tbi")).score
    assert exact is not None and unlike is not None and other is not None
    # Right category with every detail unlike is nearer "different injury" than "same injury".
    assert unlike - other < exact - unlike


def test_the_mentors_return_to_work_job_is_used_and_told() -> None:
    patient = P("p", occupation_code="3123", occupation_classification="isco08", job_held_open=True)
    went_back = ready_mentor(
        "m",
        occupation_code="7112",
        occupation_classification="isco08",
        rtw_occupation_code="3123",
        rtw_employer="same",
        rtw_adjustments="no ladder work",
    )
    stayed = ready_mentor("n", occupation_code="7112", occupation_classification="isco08")
    back, before = work_similarity(patient, went_back), work_similarity(patient, stayed)
    assert back.score == 1.0 and (before.score or 0) < 0.5
    assert "went back to their own employer" in back.reason
    assert "adjustments: no ladder work" in back.reason


def test_cause_of_injury_counts_where_both_are_known() -> None:
    patient = P(
        "p", injury_category="sci", sci_level="T10", asia_grade="A", mechanism="fall_height"
    )
    same = injury_similarity(patient, _sci("a", "T10", "A", mechanism="fall_height"))
    other = injury_similarity(patient, _sci("b", "T10", "A", mechanism="road_motorcycle"))
    unknown = injury_similarity(patient, _sci("c", "T10", "A"))
    assert same.score == 1.0 and other.score == unknown.score < 1.0
    assert same.reason.endswith("both injured in a fall from height")


def test_reasons_read_as_a_clinician_writes() -> None:
    patient = P(
        "p",
        injury_category="sci",
        sci_level="C6",
        asia_grade="A",
        occupation_code="7112",
        occupation_classification="isco08",
        preferred_mentor_gender="man",
    )
    mentor = _sci("m", "C5", "A", gender="man")
    [suggestion] = rank(patient, [mentor], Weights())
    sentences = explain(suggestion)
    assert sentences[0] == "Asked for a male mentor."
    assert any(
        s.startswith("Both have C5–6 complete tetraplegia (AIS A); levels C6 and C5")
        for s in sentences
    )
    assert any(s.startswith("Both worked as bricklayers and related workers") for s in sentences)


def test_every_level_pair_is_scored_symmetrically_in_zero_to_one() -> None:
    for a, b in itertools.product(SCI_LEVELS, repeat=2):
        pa = P("p", injury_category="sci", sci_level=a)
        pb = P("p", injury_category="sci", sci_level=b)
        ab = injury_similarity(pa, _sci("m", b, None)).score
        ba = injury_similarity(pb, _sci("m", a, None)).score
        assert ab == ba and 0 <= ab <= 1
