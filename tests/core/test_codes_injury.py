import pytest

from alongside.core.codes import (
    ASIA_GRADES,
    SCI_LEVELS,
    amputation_site,
    sci_level_distance,
    tbi_severity_from_gcs,
    validate_asia_grade,
    validate_sci_level,
)


def test_levels_run_head_to_tail():
    assert len(SCI_LEVELS) == 8 + 12 + 5 + 5
    assert SCI_LEVELS[0] == "C1" and SCI_LEVELS[-1] == "S5"
    assert sci_level_distance("C8", "T1") == 1
    assert sci_level_distance("c6", "C6") == 0
    assert sci_level_distance("T12", "L1") == 1


def test_it_validates_levels_and_grades():
    assert validate_sci_level(" t4 ") == "T4"
    assert validate_asia_grade("c") == "C"
    assert ASIA_GRADES == ("A", "B", "C", "D", "E")
    with pytest.raises(ValueError, match="neurological level"):
        validate_sci_level("C9")
    with pytest.raises(ValueError, match="ASIA"):
        validate_asia_grade("F")


@pytest.mark.parametrize(
    ("gcs", "band"),
    [(15, "mild"), (13, "mild"), (12, "moderate"), (9, "moderate"), (8, "severe"), (3, "severe")],
)
def test_gcs_bands(gcs, band):
    assert tbi_severity_from_gcs(gcs) == band


@pytest.mark.parametrize("gcs", [2, 16, 7.5, True, "12"])
def test_gcs_out_of_range_is_refused(gcs):
    with pytest.raises(ValueError, match="Glasgow"):
        tbi_severity_from_gcs(gcs)


def test_amputation_sites_know_their_limb():
    assert amputation_site("transtibial").limb == "lower"
    assert amputation_site("Transhumeral").limb == "upper"
    with pytest.raises(ValueError, match="amputation site"):
        amputation_site("tail")
