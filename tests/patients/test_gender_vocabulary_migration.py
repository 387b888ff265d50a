"""Patients' gender moves from sex words to the shared gender words, and back."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from alongside.patients import importing
from alongside.patients.models import Patient
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db
migration = importlib.import_module(
    "alongside.patients.migrations.0007_one_vocabulary_gender_words"
)
OLD = ["female", "male", "non_binary", "other", "not_stated", ""]
NEW = ["woman", "man", "non_binary", "self_described", "not_said", ""]


def _stored() -> list[tuple[str, str]]:
    return list(Patient.objects.order_by("pk").values_list("gender", "preferred_mentor_gender"))


def test_old_spellings_become_gender_words_and_go_back() -> None:
    patients = [PatientFactory() for _ in OLD]
    for patient, old in zip(patients, OLD, strict=True):
        # The old values are no longer valid choices: written as a pre-migration row held them.
        Patient.objects.filter(pk=patient.pk).update(gender=old, preferred_mentor_gender=old)

    migration.to_gender_words(apps, None)
    assert _stored() == [(new, new) for new in NEW]

    migration.to_sex_words(apps, None)
    assert _stored() == [(old, old) for old in OLD]


def test_every_new_value_is_a_choice_of_the_field() -> None:
    choices = {value for value, _ in Patient._meta.get_field("gender").choices}
    assert set(migration.FORWARD.values()) <= choices
    assert not set(migration.FORWARD) & choices


def test_the_csv_import_still_accepts_the_old_gender_spellings() -> None:
    from tests.factories import ServiceFactory
    from tests.patients.test_import import _csv, _rows

    service = ServiceFactory(slug="old-spellings", occupation_classification="anzsco")
    rows = _rows(len(OLD) + 2)
    for row, old in zip(rows, [*OLD, "Woman", "prefers not to say"], strict=True):
        row["gender"] = old
    report = importing.referrals_check(service=service, content=_csv(rows))
    assert report.problems == []
    assert [p.gender for _, p in report.valid] == [*NEW, "woman", "not_said"]
