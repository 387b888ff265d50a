"""The demo services use only real codes: occupations, ICD-10, ISS; and the trials' presets."""

from __future__ import annotations

import csv
import io

import pytest

from alongside.core.codes import build_occupations, classification
from alongside.core.codes.icd10 import lookup_icd10
from alongside.core.codes.injury import ISS_VALUES
from alongside.demo.builder import demo_load
from alongside.mentors.models import Mentor
from alongside.organisations.models import Service
from alongside.patients.models import EligibilityRules, Patient

pytestmark = pytest.mark.django_db


def _owners_titles(classification_id: str) -> dict[str, str]:
    """Titles from the owner's own file when it is beside the repo, else the shipped ones."""
    source = build_occupations.DEFAULT_SOURCE
    if source.is_dir():
        reader = {
            "isco08": build_occupations.isco08_rows,
            "anzsco": build_occupations.anzsco_rows,
            "soc2020": build_occupations.soc2020_rows,
        }[classification_id]
        return {code: title for code, _, title in reader(source)}
    shipped = build_occupations.DATA / f"occupations-{classification_id}.csv"
    return {r["code"]: r["title"] for r in csv.DictReader(io.StringIO(shipped.read_text()))}


def test_every_demo_record_carries_real_codes_with_the_owners_titles() -> None:
    demo_load(log=lambda line: None)
    for service in Service.objects.filter(is_demo=True):
        scheme = classification(service.occupation_classification)
        titles = _owners_titles(scheme.id)
        people = [
            *Patient.objects.filter(service=service),
            *Mentor.objects.filter(service=service),
        ]
        assert people
        for person in people:
            if person.occupation_code:
                assert person.occupation_code in titles, (service.slug, person.occupation_code)
                assert scheme.title(person.occupation_code) == titles[person.occupation_code]
            for code in person.icd10_codes:
                lookup_icd10(code, service.icd10_modification)  # raises for a code that is not
        for patient in Patient.objects.filter(service=service, iss__isnull=False):
            assert patient.iss in ISS_VALUES, (service.slug, patient.iss)


def test_the_uk_demo_service_uses_the_rowtate_preset_and_melbourne_eivrs() -> None:
    demo_load(log=lambda line: None)
    leeds = EligibilityRules.objects.get(service__slug="demo-leeds")
    assert (leeds.min_age, leeds.max_age, leeds.min_iss) == (16, 69, 9)
    assert leeds.weeks_counted_from == "admission" and not leeds.paid_work_only
    melbourne = EligibilityRules.objects.get(service__slug="demo-melbourne")
    assert (melbourne.min_age, melbourne.max_age, melbourne.paid_work_only) == (16, 70, True)
    assert Service.objects.get(slug="demo-melbourne").subdivision == "VIC"
    assert Service.objects.get(slug="demo-leeds").subdivision == "ENG"
