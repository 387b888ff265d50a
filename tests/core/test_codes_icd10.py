import pytest

from alongside.core.codes import (
    icd10_title,
    injury_category_for_icd10,
    list_icd10_codes,
    validate_icd10,
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
    ],
)
def test_it_normalises_and_categorises(raw, canonical, category):
    assert validate_icd10(raw) == canonical
    assert injury_category_for_icd10(raw) == category


def test_it_titles_codes_and_national_extensions_by_their_who_parent():
    assert icd10_title("S14.0") == "Concussion and oedema of cervical spinal cord"
    assert icd10_title("S06.21") == "Diffuse brain injury"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("XYZ", "not an ICD-10 code"),
        ("S1", "not an ICD-10 code"),
        ("S99.9", "not one of the traumatic"),
        ("J45", "not one of"),
    ],
)
def test_it_rejects_bad_codes_in_plain_words(raw, message):
    with pytest.raises(ValueError, match=message):
        validate_icd10(raw)


def test_it_lists_codes_by_category():
    sci = dict(list_icd10_codes("sci"))
    assert set(sci) == {"S14.0", "S14.1", "S24.0", "S24.1", "S34.0", "S34.1", "S34.3"}
    assert {f"S06.{n}" for n in range(10)} <= set(dict(list_icd10_codes("tbi")))
