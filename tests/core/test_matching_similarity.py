import pytest

from alongside.core.matching import MentorProfile, PatientProfile, Weights
from alongside.core.matching.similarity import (
    age_similarity,
    availability_similarity,
    injury_similarity,
    language_similarity,
    modes_similarity,
    place_similarity,
    score_all,
    weighted_total,
    work_similarity,
)

P = PatientProfile
M = MentorProfile


def test_same_sci_level_and_grade():
    c = injury_similarity(
        P(1, injury_category="sci", sci_level="C6", asia_grade="C"),
        M(2, injury_category="sci", sci_level="C6", asia_grade="C"),
    )
    assert c.score == 1.0
    assert c.reason == "Both have C5–6 motor incomplete tetraplegia (AIS C)"


def test_nearby_sci_levels_score_less():
    c = injury_similarity(
        P(1, injury_category="sci", sci_level="C6", asia_grade="C"),
        M(2, injury_category="sci", sci_level="C7", asia_grade="D"),
    )
    assert 0.5 < c.score < 1.0
    assert c.reason == (
        "Patient has C5–6 motor incomplete tetraplegia (AIS C); "
        "mentor has C7–T1 motor incomplete tetraplegia (AIS D)"
    )


def test_different_injuries_and_amputation_and_tbi():
    assert injury_similarity(P(1, injury_category="sci"), M(2, injury_category="tbi")).score == 0.0
    tbi = injury_similarity(
        P(1, injury_category="tbi", tbi_severity="moderate"),
        M(2, injury_category="tbi", tbi_severity="moderate"),
    )
    assert (tbi.score, tbi.reason) == (1.0, "Both have a moderate traumatic brain injury")
    amp = injury_similarity(
        P(1, injury_category="amputation", amputation_site="transtibial"),
        M(2, injury_category="amputation", amputation_site="transfemoral"),
    )
    # Knee kept against knee lost: the adjacent functional group within the same limb.
    assert amp.score == pytest.approx(0.25 + 0.75 * 0.35)
    assert amp.reason == (
        "Patient has a below knee (transtibial) amputation; "
        "mentor has an above knee (transfemoral) amputation"
    )
    bare = injury_similarity(P(1, injury_category="ortho"), M(2, injury_category="ortho"))
    assert bare.score == 0.75


def test_same_occupation_and_same_major_group():
    same = work_similarity(
        P(1, occupation_code="7411", occupation_classification="isco08"),
        M(2, occupation_code="7411", occupation_classification="isco08"),
    )
    assert (same.score, same.reason) == (
        1.0,
        "Both worked as building and related electricians (ISCO 7411)",
    )
    major = work_similarity(
        P(1, occupation_code="7411", occupation_classification="isco08"),
        M(2, occupation_code="7115", occupation_classification="isco08"),
    )
    assert major.reason == "Same major occupation group: Craft and related trades workers"
    assert major.score == 0.25


def test_work_combines_recorded_parts():
    c = work_similarity(
        P(1, industry="Construction", work_demands="physical"),
        M(2, industry="construction", work_demands="mixed"),
    )
    assert c.score == pytest.approx((0.15 * 1 + 0.15 * 0.5) / 0.3)
    assert "Both worked in Construction" in c.reason


def test_age_place_language_availability_modes_reasons():
    assert age_similarity(P(1, age=34), M(2, age=41)).reason == "Ages 34 and 41 — 7 years apart"
    assert age_similarity(P(1, age=34), M(2, age=41)).score == pytest.approx(0.65)
    assert (
        place_similarity(P(1, region="Geelong"), M(2, region="geelong")).reason == "Both in Geelong"
    )
    near = place_similarity(
        P(1, latitude=-37.8, longitude=144.9), M(2, latitude=-37.9, longitude=144.9)
    )
    assert near.reason == "About 11 km apart" and near.score == pytest.approx(0.889, abs=1e-3)
    lang = language_similarity(
        P(1, languages=("Vietnamese", "English")), M(2, languages=("vietnamese",))
    )
    assert (lang.score, lang.reason) == (1.0, "Both speak Vietnamese")
    avail = availability_similarity(
        P(1, availability=frozenset({"mon-am", "tue-pm"})), M(2, availability=frozenset({"mon-am"}))
    )
    assert avail.score == 0.5 and "mon-am" in avail.reason
    modes = modes_similarity(
        P(1, contact_modes=frozenset({"phone"})), M(2, contact_modes=frozenset({"phone", "video"}))
    )
    assert (modes.score, modes.reason) == (1.0, "Both can meet by phone")


def test_nothing_recorded_for_the_patient_is_skipped_not_a_mismatch():
    parts = score_all(P(1), M(2))
    assert [c.score for c in parts] == [None] * 7
    assert {c.reason for c in parts} == {"not recorded"}
    assert weighted_total([c.score for c in parts], Weights()) == 0.0


def test_invalid_stored_codes_do_not_crash():
    c = injury_similarity(
        P(1, injury_category="sci", sci_level="Z9", asia_grade="Q"),
        M(2, injury_category="sci", sci_level="C5", asia_grade="A"),
    )
    assert c.score == 0.75  # the patient's invalid details count as not recorded
    w = work_similarity(
        P(1, occupation_code="xx", occupation_classification="isco08"),
        M(2, occupation_code="7411", occupation_classification="isco08"),
    )
    assert w.score is None


def test_weighted_total_ignores_unrecorded_criteria():
    weights = Weights(injury=2, work=0, age=1, place=0, language=0, availability=0, modes=0)
    assert weighted_total([1.0, None, 0.4, None, None, None, None], weights) == pytest.approx(
        2.4 / 3
    )
