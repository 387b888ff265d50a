from pathlib import Path

import pytest

from alongside.core.codes import ANZSCO, ISCO08, SOC2020, build_occupations, classification

SHIPPED = Path(build_occupations.__file__).with_name("data")


def test_isco_titles_and_groups():
    assert ISCO08.title("7411") == "Building and related electricians"
    assert ISCO08.major_group("7411") == "7"
    assert ISCO08.title("7") == "Craft and related trades workers"
    assert ISCO08.label("8332") == "Heavy truck and lorry drivers (ISCO 8332)"
    assert len([c for c, _ in ISCO08.list_codes("major group")]) == 10


@pytest.mark.parametrize(
    ("scheme", "counts"),
    [
        (ISCO08, (10, 43, 130, 436)),
        (ANZSCO, (8, 43, 97, 358, 1032)),
        (SOC2020, (9, 26, 104, 412)),
    ],
)
def test_every_group_of_every_level_is_there_with_a_title(scheme, counts):
    found = tuple(len(scheme.list_codes(level)) for level in scheme.level_names)
    assert found == counts
    assert all(title.strip() for _, title in scheme.list_codes())
    for level in scheme.level_names:
        assert all(title.strip() for _, title in scheme.list_codes(level))


def test_soc2020_uses_its_own_numbering_not_soc2010s():
    assert SOC2020.title("5313") == "Bricklayers"
    assert SOC2020.title("5314") == "Roofers, roof tilers and slaters"
    assert SOC2020.title("5316") == "Carpenters and joiners"
    assert SOC2020.title("2313") == "Secondary education teaching professionals"
    assert SOC2020.title("2314") == "Primary education teaching professionals"
    assert SOC2020.title("5") == "Skilled trades occupations"


def test_anzsco_occupation_and_its_groups():
    assert ANZSCO.title("341111") == "Electrician (General)"
    assert ANZSCO.title("3411") == "Electricians"
    assert ANZSCO.title("1") == "Managers"


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
        (ANZSCO, "9111", "ANZSCO has no group 9111"),
        (SOC2020, "0123", "UK SOC 2020 has no group 0123"),
        (ANZSCO, "34111", "digits"),
    ],
)
def test_it_rejects_bad_codes(scheme, code, message):
    with pytest.raises(ValueError, match=message):
        scheme.validate(code)


@pytest.mark.parametrize(
    ("scheme", "code", "owner"),
    [(ISCO08, "7999", "ILO"), (SOC2020, "5399", "ONS"), (ANZSCO, "341199", "ABS")],
)
def test_a_well_formed_code_the_owner_does_not_publish_is_refused_by_name(scheme, code, owner):
    with pytest.raises(ValueError, match=rf"has no group {code} .*the {owner} publishes"):
        scheme.validate(code)


def test_classification_lookup():
    assert classification("soc2020") is SOC2020
    with pytest.raises(ValueError, match="isco08"):
        classification("naics")


def test_the_shipped_files_are_the_owners_structures_converted(tmp_path):
    if not build_occupations.DEFAULT_SOURCE.is_dir():
        pytest.skip("the owners' files (../shared/standards/occupations) are not beside the repo")
    build_occupations.build(build_occupations.DEFAULT_SOURCE, tmp_path)
    for shipped in sorted(SHIPPED.glob("occupations-*.csv")):
        assert (tmp_path / shipped.name).read_text() == shipped.read_text(), shipped.name
