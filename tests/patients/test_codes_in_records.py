"""Codes on a referral: ISS values that exist, ICD-10-AM functional levels, occupations by name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from alongside.accounts.policy import SYSTEM
from alongside.patients import services

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _referral(**overrides):
    data = dict(
        given_name="Ana",
        family_name="Silva",
        date_of_birth=date(1985, 1, 2),
        date_of_injury=TODAY - timedelta(days=20),
        date_of_admission=TODAY - timedelta(days=20),
        date_of_referral=TODAY - timedelta(days=3),
        icd10_codes=["S14.1"],
        employment_type="full_time",
        occupation_code="341111",
    )
    data.update(overrides)
    return data


def test_an_impossible_iss_is_refused_naming_the_value(world) -> None:
    patient = services.referral_create(actor=SYSTEM, service=world.home, data=_referral())
    with pytest.raises(ValidationError) as caught:
        services.patient_update(actor=SYSTEM, patient=patient, changes={"iss": 15})
    assert "15 is not a possible Injury Severity Score" in " ".join(
        caught.value.message_dict["iss"]
    )
    patient = services.patient_update(actor=SYSTEM, patient=patient, changes={"iss": 17})
    assert patient.iss == 17


def test_an_icd10_am_functional_level_code_gives_the_neurological_level(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.referral_create(
            actor=SYSTEM, service=world.home, data=_referral(icd10_codes=["S14.75"])
        )
    assert "ICD-10-AM" in " ".join(caught.value.message_dict["icd10_codes"])
    world.home.icd10_modification = "am"
    world.home.save()
    patient = services.referral_create(
        actor=SYSTEM, service=world.home, data=_referral(icd10_codes=["s1475"])
    )
    assert patient.icd10_codes == ["S14.75"]
    assert patient.injury_category == "sci" and patient.sci_level == "C5"


def test_an_occupation_code_the_owner_does_not_publish_is_refused_by_name(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.referral_create(
            actor=SYSTEM, service=world.home, data=_referral(occupation_code="341199")
        )
    message = " ".join(caught.value.message_dict["occupation_code"])
    assert "ANZSCO has no group 341199" in message


def test_a_mentors_sequela_code_is_accepted_as_their_injury_category(world) -> None:
    from alongside.core.codes.icd10 import lookup_icd10

    found = lookup_icd10("T91.3", world.home.icd10_modification)
    assert found.category == "sci" and found.sequela
