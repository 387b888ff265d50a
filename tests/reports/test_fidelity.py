"""Fidelity comes from the records: the service totals equal a count made here per patient."""

from __future__ import annotations

import datetime as dt

import pytest

from alongside.contacts.models import Contact
from alongside.outcomes.models import QuestionnaireResponse
from alongside.patients.models import CapacityCertificate, EmployerContact, Goal, Patient
from alongside.patients.selectors import service_today
from alongside.reports import fidelity, selectors
from alongside.reports.periods import Period
from tests.personas import World
from tests.reports.factories import populate

pytestmark = pytest.mark.django_db


def _expected(patient: Patient) -> dict[str, bool]:
    contacts = list(Contact.objects.filter(match__patient=patient))
    topics = [t for c in contacts for t in c.topics]
    return {
        "hope": "Hope and recovery" in topics
        or QuestionnaireResponse.objects.filter(
            patient=patient, instrument_id__in=["hope", "rtw_expectation"], is_current=True
        ).exists(),
        "preparing": CapacityCertificate.objects.filter(patient=patient).exists()
        or bool(set(topics) & set(fidelity.PREPARING_TOPICS)),
        "goals": Goal.objects.filter(patient=patient).exclude(status="dropped").exists(),
        "employer": EmployerContact.objects.filter(patient=patient).exists(),
        "peer": bool(contacts),
    }


def test_service_totals_and_rows_equal_the_records(world: World) -> None:
    populate(world.home, seed=5, patients=30)
    today = service_today(world.home)
    period = Period(today - dt.timedelta(days=400), today)
    cohort = list(selectors.accepted_in(world.home, period))
    expected = {p.pk: _expected(p) for p in cohort}
    summary = fidelity.summary(selectors.accepted_in(world.home, period))
    assert summary.patients == len(cohort) > 10
    for component, count in summary.counts:
        assert count == sum(e[component.key] for e in expected.values()), component.key
    assert summary.all_five == sum(all(e.values()) for e in expected.values())
    table = selectors.fidelity_table(
        world.people["therapist"], world.home, period, pseudonymised=False
    )
    for row in table.patients:
        assert row.delivered == [expected[row.patient_id][c.key] for c in fidelity.COMPONENTS]


def test_a_dropped_goal_is_not_an_rtw_goal(world: World) -> None:
    from tests.outcomes.factories import accepted_patient

    patient = accepted_patient(world.home)
    Goal.objects.create(patient=patient, text="Back to the site", status="dropped")
    row = fidelity.with_components(Patient.objects.filter(pk=patient.pk)).get()
    assert fidelity.delivered(row)[2] is False
    Goal.objects.create(patient=patient, text="Phased return", status="in_progress")
    row = fidelity.with_components(Patient.objects.filter(pk=patient.pk)).get()
    assert fidelity.delivered(row)[2] is True
