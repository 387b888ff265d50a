"""Names, phone numbers, postcodes and hospital numbers (issue 9, point 9)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.core import person_details

# The characters the probe pasted into names: bidi embeddings and overrides,
# bidi isolates, zero-width characters, and a few controls.
HIDDEN = [
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
    "\u200b",
    "\u200c",
    "\u200d",
    "\u2060",
    "\ufeff",
    "\x00",
    "\t",
    "\n",
    "\r",
    "\x1b",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
]


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("0400 000 000", "AU", "+61400000000"),
        ("(03) 5550 1234", "AU", "+61355501234"),
        ("0113 496 0000", "GB", "+441134960000"),
        ("0113 496 0000", "uk", "+441134960000"),
        ("+61 400 000 000", "GB", "+61400000000"),  # international: any country
        ("+44 113 496 0000", "AU", "+441134960000"),
        ("", "AU", ""),
    ],
)
def test_probe_9_phone_validated_for_service_country(typed, country, stored) -> None:
    assert person_details.phone_e164(typed, country) == stored


@pytest.mark.parametrize(
    ("typed", "country"),
    [
        ("0400 000 000", "GB"),  # an Australian mobile written the Australian way, in Leeds
        ("0113 496 0000", "AU"),
        ("0400", "AU"),
        ("phone me", "AU"),
        ("+999 123", "GB"),
        ("0400 000 000", ""),  # no known country: only international format
    ],
)
def test_probe_9_phone_refused_outside_service_country(typed, country) -> None:
    with pytest.raises(ValueError, match="phone number|international format"):
        person_details.phone_e164(typed, country)


def test_probe_9_phone_advice_gives_an_example_of_the_country() -> None:
    with pytest.raises(ValueError) as refused:
        person_details.phone_e164("12", "AU")
    example = str(refused.value).split("such as ")[1].split(",")[0]
    assert person_details.phone_e164(example, "AU").startswith("+61")


def test_probe_9_sms_number_must_be_a_mobile() -> None:
    assert person_details.phone_e164("0400 000 000", "AU", mobile=True) == "+61400000000"
    with pytest.raises(ValueError, match="not a mobile"):
        person_details.phone_e164("03 5550 1234", "AU", mobile=True)


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("3000", "AU", "3000"),
        (" 3 000 ", "AU", "3000"),
        ("ls13ex", "GB", "LS1 3EX"),
        ("LS1  3EX", "GB", "LS1 3EX"),
        ("sw1a 1aa", "GB", "SW1A 1AA"),
        ("M1 1AE", "GB", "M1 1AE"),
        ("B33 8TH", "GB", "B33 8TH"),
        ("CR2 6XH", "GB", "CR2 6XH"),
        ("DN55 1PT", "GB", "DN55 1PT"),
        ("W1A 0AX", "GB", "W1A 0AX"),
        ("EC1A 1BB", "GB", "EC1A 1BB"),
        ("GIR 0AA", "GB", "GIR 0AA"),
        ("10115", "DE", "10115"),
        ("", "GB", ""),
    ],
)
def test_probe_9_postcode_validated_for_service_country(typed, country, stored) -> None:
    assert person_details.postcode(typed, country) == stored


@pytest.mark.parametrize(
    ("typed", "country", "words"),
    [
        ("300", "AU", "4 digits"),
        ("30000", "AU", "4 digits"),
        ("LS1 3EX", "AU", "4 digits"),
        ("3000", "GB", "full UK postcode"),
        ("LS1", "GB", "full UK postcode"),  # an outward code alone is not a postcode
        ("LS1 3EXX", "GB", "full UK postcode"),
        ("LI1 1AA", "GB", "full UK postcode"),  # I is never a second letter
        ("LS1 3E1", "GB", "full UK postcode"),
        ("10115\u202e", "DE", "letters, digits"),
    ],
)
def test_probe_9_postcode_refused_with_the_country_rule(typed, country, words) -> None:
    with pytest.raises(ValueError, match=words):
        person_details.postcode(typed, country)


@pytest.mark.parametrize("hidden", HIDDEN, ids=lambda c: f"U+{ord(c):04X}")
def test_probe_9_name_refuses_bidi_override(hidden: str) -> None:
    with pytest.raises(ValueError) as refused:
        person_details.person_name(f"Ann{hidden}a Smith")
    assert f"U+{ord(hidden):04X}" in str(refused.value)


@pytest.mark.parametrize(
    "name", ["Zoë", "Nguyễn", "O'Brien-Smith", "José María", "李小龙", "محمد", "Þórr", "  Ana  "]
)
def test_probe_9_name_keeps_the_names_people_have(name: str) -> None:
    assert person_details.person_name(name) == unicodedata.normalize("NFC", name).strip()


@given(st.text(st.characters(categories=["L", "M", "N", "P", "Zs"])))
def test_probe_9_any_visible_name_is_kept(name: str) -> None:
    assert person_details.person_name(name) == unicodedata.normalize("NFC", name).strip()


# Inside the name: at its ends, whitespace controls (tab, newline, U+001C–U+001F)
# are trimmed with the spaces, as str.strip() does, which leaves nothing hidden.
@given(
    st.text(st.characters(categories=["L"]), min_size=1, max_size=5),
    st.characters(categories=["Cc", "Cf"]),
    st.text(st.characters(categories=["L"]), min_size=1, max_size=5),
)
def test_probe_9_any_control_or_format_character_is_refused(
    before: str, hidden: str, after: str
) -> None:
    with pytest.raises(ValueError, match="invisible or control character"):
        person_details.person_name(before + hidden + after)


def test_probe_9_hospital_number_key_ignores_case_and_space() -> None:
    assert person_details.hospital_number_key(" mrn0012345 ") == "mrn0012345"
    assert person_details.hospital_number_key("MRN0012345") == "mrn0012345"
    assert person_details.hospital_number("  UR 12 ") == "UR 12"
    with pytest.raises(ValueError, match="hospital number"):
        person_details.hospital_number("UR\u200b12")
