import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.core.matching import (
    CRITERIA,
    RULE_NAMES,
    MentorPool,
    MentorProfile,
    PatientProfile,
    Weights,
    first_failed_rule,
    score_matrix,
)
from alongside.core.matching.similarity import score_all, weighted_total

maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731
shared = dict(
    injury_category=maybe(st.sampled_from(["sci", "tbi", "ortho", "amputation"])),
    icd10_codes=st.lists(st.sampled_from(["S72.3", "S82.2", "S32.4", "bad"]), max_size=2).map(
        tuple
    ),
    sci_level=maybe(st.sampled_from(["C5", "C6", "T4", "L1", "X9"])),
    asia_grade=maybe(st.sampled_from(list("ABCDE"))),
    tbi_severity=maybe(st.sampled_from(["mild", "moderate", "severe"])),
    amputation_site=maybe(
        st.sampled_from(["transtibial", "transfemoral", "partial_foot", "transradial", "nope"])
    ),
    amputation_laterality=maybe(st.sampled_from(["left", "right", "bilateral", "multiple", "x"])),
    mechanism=maybe(st.sampled_from(["fall_height", "road_motorcycle", "other", "unknown"])),
    occupation_code=maybe(st.sampled_from(["7411", "7412", "7115", "2221", "341111", "5241", "9"])),
    occupation_classification=maybe(st.sampled_from(["isco08", "anzsco", "soc2020"])),
    industry=maybe(st.sampled_from(["construction", "Health"])),
    work_demands=maybe(st.sampled_from(["physical", "mixed", "desk"])),
    employment_type=maybe(st.sampled_from(["employee", "self-employed"])),
    age=maybe(st.integers(16, 70)),
    gender=maybe(st.sampled_from(["male", "female"])),
    languages=st.lists(st.sampled_from(["English", "Greek", "vietnamese"]), max_size=2).map(tuple),
    region=maybe(st.sampled_from(["Geelong", "Bendigo"])),
    latitude=maybe(st.floats(-38.5, -36.5)),
    longitude=maybe(st.floats(143.5, 146.5)),
    availability=st.frozensets(st.sampled_from(["mon-am", "mon-pm", "tue-am"])),
    contact_modes=st.frozensets(st.sampled_from(["in_person", "phone", "video"])),
)
patients = st.builds(
    PatientProfile,
    patient_id=st.just("p"),
    **shared,
    preferred_mentor_gender=maybe(st.sampled_from(["male", "female"])),
    required_language=maybe(st.sampled_from(["Greek", "English"])),
    wants_in_person=st.booleans(),
    job_held_open=maybe(st.booleans()),
    excluded_mentor_ids=st.frozensets(st.integers(0, 5)),
)
mentors = st.builds(
    MentorProfile,
    mentor_id=st.integers(0, 10**6),
    **shared,
    active=maybe(st.booleans()),
    paused=maybe(st.booleans()),
    wellbeing_hold=st.booleans(),
    rtw_occupation_code=maybe(st.sampled_from(["7411", "3123", "9", "341111"])),
    rtw_employer=maybe(st.sampled_from(["same", "different", "study", "odd"])),
    training_ok=maybe(st.booleans()),
    checks_ok=st.just(True),
    supervision_ok=st.just(True),
    capacity=maybe(st.integers(0, 3)),
    active_mentee_count=st.integers(0, 2),
    willing_categories=maybe(st.frozensets(st.sampled_from(["sci", "tbi", "ortho", "amputation"]))),
    travel_radius_km=maybe(st.sampled_from([20.0, 80.0])),
)


@settings(max_examples=300, deadline=None)
@given(patients, st.lists(mentors, min_size=1, max_size=6, unique_by=lambda m: m.mentor_id))
def test_vectorised_pool_agrees_with_the_scalar_definitions(patient, mentor_list):
    pool = MentorPool(mentor_list)
    parts = pool.part_scores(patient)
    failed = pool.failed_rule_index(patient)
    for row, mentor in enumerate(mentor_list):
        scalar = [c.score for c in score_all(patient, mentor)]
        vector = [None if np.isnan(x) else x for x in parts[row]]
        assert [s is None for s in scalar] == [v is None for v in vector]
        assert [s for s in scalar if s is not None] == pytest.approx(
            [v for v in vector if v is not None], abs=1e-9
        )
        exclusion = first_failed_rule(patient, mentor)
        assert (RULE_NAMES[failed[row]] if failed[row] >= 0 else None) == (
            exclusion and exclusion.rule
        )
        assert pool.totals(patient, Weights())[row] == pytest.approx(
            weighted_total(scalar, Weights()), abs=1e-9
        )


def test_score_matrix_marks_forbidden_pairs_nan_and_gives_spare_capacity():
    ms = [
        MentorProfile(
            0,
            active=True,
            paused=False,
            training_ok=True,
            checks_ok=True,
            supervision_ok=True,
            capacity=3,
            active_mentee_count=1,
            age=40,
        ),
        MentorProfile(1, active=False, capacity=2),
    ]
    pool = MentorPool(ms)
    matrix = score_matrix([PatientProfile("a", age=40), PatientProfile("b")], pool, Weights())
    assert matrix[0, 0] == 1.0 and np.isnan(matrix[:, 1]).all()
    # Places only; the gates act through the NaNs in the score matrix.
    assert pool.spare_capacities().tolist() == [2, 2]
    assert len(CRITERIA) == 7
