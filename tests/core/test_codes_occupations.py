import pytest

from alongside.core.codes import ANZSCO, ISCO08, SOC2020, classification


def test_isco_titles_and_groups():
    assert ISCO08.title("7411") == "Building and related electricians"
    assert ISCO08.major_group("7411") == "7"
    assert ISCO08.title("7") == "Craft and related trades workers"
    assert ISCO08.label("8332") == "Heavy truck and lorry drivers (ISCO 8332)"
    assert len([c for c, _ in ISCO08.list_codes("major group")]) == 10
    assert len(ISCO08.list_codes()) >= 40


def test_major_group_counts():
    assert len(ANZSCO.list_codes("major group")) == 8
    assert len(SOC2020.list_codes("major group")) == 9
    assert len(ANZSCO.list_codes()) >= 30 and len(SOC2020.list_codes()) >= 30


def test_hierarchy_similarity_by_common_prefix():
    assert ISCO08.similarity("7411", "7411") == 1.0
    assert ISCO08.similarity("7411", "7412") == 0.75  # same minor group
    assert ISCO08.similarity("7411", "7421") == 0.5  # same sub-major
    assert ISCO08.similarity("7411", "7115") == 0.25  # same major
    assert ISCO08.similarity("7411", "2221") == 0.0
    # ANZSCO's fifth digit is not a level: 341111 vs 341112 share the unit group.
    assert ANZSCO.shared_levels("341111", "341112") == 4
    assert ANZSCO.similarity("341111", "341112") == 0.8


@pytest.mark.parametrize(
    ("scheme", "code", "message"),
    [
        (ISCO08, "74a1", "digits only"),
        (ISCO08, "74111", "expected 1 or 2 or 3 or 4 digits"),
        (ANZSCO, "9111", "no major group 9"),
        (SOC2020, "0123", "no major group 0"),
        (ANZSCO, "34111", "digits"),
    ],
)
def test_it_rejects_bad_codes(scheme, code, message):
    with pytest.raises(ValueError, match=message):
        scheme.validate(code)


def test_unlisted_but_well_formed_code_is_valid_without_a_title():
    assert ISCO08.validate("7999") == "7999"
    assert ISCO08.title("7999") is None


def test_classification_lookup():
    assert classification("soc2020") is SOC2020
    with pytest.raises(ValueError, match="isco08"):
        classification("naics")
