"""Factories for the patient pathway."""

from __future__ import annotations

from datetime import date, timedelta

import factory

from alongside.patients.models import Consent, ConsentKind, EligibilityRules, Goal, Patient
from tests.factories import ServiceFactory


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    service = factory.SubFactory(ServiceFactory)
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = date(1988, 5, 17)
    gender = "man"
    hospital_number = factory.Sequence(lambda n: f"H{n:06d}")
    referral_source = "trauma_ward"
    date_of_injury = factory.LazyFunction(lambda: date.today() - timedelta(days=30))
    date_of_admission = factory.LazyAttribute(lambda o: o.date_of_injury)
    date_of_referral = factory.LazyAttribute(lambda o: o.date_of_injury + timedelta(days=10))
    injury_category = "sci"
    icd10_codes = factory.LazyFunction(lambda: ["S14.1"])
    employment_type = "full_time"
    occupation_code = "3411"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    patient = factory.SubFactory(PatientFactory)
    kind = ConsentKind.MENTOR_SHARING
    given_on = factory.LazyAttribute(lambda o: o.patient.date_of_referral)
    how_given = "written"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    patient = factory.SubFactory(PatientFactory)
    text = "Talk to my manager about coming back"
    shared_with_patient = True


class EligibilityRulesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRules
        django_get_or_create = ("service",)

    service = factory.SubFactory(ServiceFactory)
