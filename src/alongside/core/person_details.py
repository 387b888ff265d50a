"""Rules for the details that identify a person: names, phone numbers,
postcodes and hospital numbers.

Pure functions, no Django: the patient and mentor services call them, so the
referral form, the CSV import and the API refuse the same input with the same
words. Each returns the value to store or raises ``ValueError`` whose message
can be shown beside the field as it is.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

# --- Names (and other short identifiers people type) -----------------------------

# Control (Cc), format (Cf: bidi overrides and isolates U+202A–U+202E and
# U+2066–U+2069, zero-width U+200B–U+200D, U+2060, U+FEFF, soft hyphen…),
# surrogate (Cs) and line/paragraph separator (Zl, Zp) characters are invisible
# or reorder the text around them. In a name they let two records look the same
# while differing, or make a name display as something else in a list, an
# e-mail or a CSV export. Cost: the zero-width joiners some scripts use inside
# words (Persian, several Indic scripts) are refused too; the name is then
# written without them, which those scripts tolerate.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _refused_character(value: str) -> str | None:
    for character in value:
        if unicodedata.category(character) in _REFUSED_CATEGORIES:
            return character
    return None


def _describe(character: str) -> str:
    name = unicodedata.name(character, "")
    return f"U+{ord(character):04X}" + (f" {name.lower()}" if name else "")


def visible_text(value: str, *, what: str = "This") -> str:
    """``value`` stripped, in NFC, refusing invisible and direction-changing characters."""
    text = unicodedata.normalize("NFC", value).strip()
    found = _refused_character(text)
    if found is not None:
        raise ValueError(
            f"{what} contains an invisible or control character ({_describe(found)}). "
            "Retype it rather than pasting it."
        )
    return text


def person_name(value: str) -> str:
    """A person's name as stored: trimmed, NFC, no control or invisible characters."""
    return visible_text(value, what="The name")


# --- Hospital numbers ---------------------------------------------------------------


def hospital_number(value: str) -> str:
    """The hospital (UR/MRN) number as stored: trimmed, with no invisible characters.

    Invisible characters are refused because they would let a second referral
    for the same number slip past the duplicate check.
    """
    return visible_text(value, what="The hospital number")


def hospital_number_key(value: str) -> str:
    """What two hospital numbers are compared by: "mrn123" and "MRN123 " are one number.

    Never raises, so numbers stored before these rules can still be compared.
    The database constraint compares ``LOWER(hospital_number)``, the same for
    the letters and digits hospital numbers are made of.
    """
    return unicodedata.normalize("NFC", value or "").strip().casefold()


# --- Phone numbers ------------------------------------------------------------------


_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)


def _country(country: str) -> str:
    code = (country or "").strip().upper()
    return "GB" if code == "UK" else code  # "UK" is reserved in ISO 3166-1 for GB


def _example_number(country: str) -> str:
    example = phonenumbers.example_number_for_type(
        country, phonenumbers.PhoneNumberType.MOBILE
    ) or phonenumbers.example_number(country)
    if example is None:
        return "+44 113 496 0000"
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_e164(value: str, country: str, *, mobile: bool = False) -> str:
    """The number in E.164 (``+61400000000``), or "" for no number.

    A number written without ``+`` is read as a number of the service's
    ``country`` (ISO 3166-1 alpha-2); a number with ``+`` may be of any country.
    Validity follows libphonenumber's metadata (the ``phonenumberslite`` package).
    ``mobile``: refuse a number that cannot take text messages (a landline).
    """
    text = (value or "").strip()
    if not text:
        return ""
    region = _country(country)
    known = region in phonenumbers.SUPPORTED_REGIONS
    advice = (
        f"Enter a phone number such as {_example_number(region)}, "
        "or an international number starting with +."
        if known
        else "Enter the number in international format, starting with + and the country code."
    )
    try:
        number = phonenumbers.parse(text, region if known else None)
    except phonenumbers.NumberParseException:
        raise ValueError(f"This is not a phone number. {advice}") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"This is not a valid phone number. {advice}")
    if mobile and phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise ValueError(f"This is not a mobile number. {advice}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# --- Postcodes ----------------------------------------------------------------------

# UK postcode format, from "Bulk Data Transfer: additional validation for CAS
# upload", section 3 "UK Postcode Regular Expression" (UK Visas and
# Immigration, GOV.UK, valid from 12 November 2015), restated for upper-case
# input with one space before the inward code (normalised first). That
# expression checks the format (BS 7666 letter rules), not that Royal Mail has
# issued the postcode: only the Postcode Address File can say that.
_UK_POSTCODE = re.compile(
    r"GIR 0AA"
    r"|(?:[A-Z][0-9]{1,2}"
    r"|[A-Z][A-HJ-Y][0-9]{1,2}"
    r"|[A-Z][0-9][A-Z]"
    r"|[A-Z][A-HJ-Y][0-9]?[A-Z])"
    r" [0-9][A-Z]{2}"
)
# Australia Post: every postcode is four digits.
_AU_POSTCODE = re.compile(r"[0-9]{4}")
# Elsewhere: letters, digits, spaces and hyphens, as most countries' codes are.
_ANY_POSTCODE = re.compile(r"[A-Z0-9](?:[A-Z0-9 -]{0,10}[A-Z0-9])?")


def postcode(value: str, country: str) -> str:
    """The postcode as stored for the service's ``country``, or "" for none.

    GB: upper case with one space before the last three characters ("LS1 3EX");
    AU: four digits ("3000"); other countries: letters, digits, spaces, hyphens.
    """
    text = " ".join((value or "").upper().split())
    if not text:
        return ""
    region = _country(country)
    if region == "GB":
        compact = text.replace(" ", "")
        text = f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact
        if not _UK_POSTCODE.fullmatch(text):
            raise ValueError("Enter a full UK postcode, such as LS1 3EX.")
        return text
    if region == "AU":
        text = text.replace(" ", "")
        if not _AU_POSTCODE.fullmatch(text):
            raise ValueError("An Australian postcode is 4 digits, such as 3000.")
        return text
    if not _ANY_POSTCODE.fullmatch(text):
        raise ValueError("A postcode has only letters, digits, spaces and hyphens.")
    return text
