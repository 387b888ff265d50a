"""Writes of the pathway: bad input named by field, audit, status moves, consent."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from alongside.accounts.policy import SYSTEM
from alongside.audit.models import AuditEvent
from alongside.patients import selectors, services
from alongside.patients.models import ConsentKind, Patient, PatientStatus
from tests.patients.factories import ConsentFactory, PatientFactory

pytestmark = pytest.mark.django_db

TODAY = date.today()


def _referral(**overrides):
    data = dict(
        given_name="Ana",
        family_name="Silva",
        date_of_birth=date(1985, 1, 2),
        hospital_number="UR123",
        date_of_injury=TODAY - timedelta(days=20),
        date_of_admission=TODAY - timedelta(days=20),
        date_of_referral=TODAY - timedelta(days=3),
        icd10_codes=["s06.5"],
        employment_type="full_time",
        occupation_code="341111",
    )
    data.update(overrides)
    return data


def test_referral_create_canonicalises_codes_infers_category_and_audits(world) -> None:
    patient = services.referral_create(
        actor=world.people["therapist"], service=world.home, data=_referral()
    )
    assert patient.icd10_codes == ["S06.5"]
    assert patient.injury_category == "tbi"
    assert patient.status == PatientStatus.REFERRED
    event = AuditEvent.objects.get(action="patient.create", object_id=str(patient.pk))
    assert event.service_id == world.home.pk and "hospital_number" in event.fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"icd10_codes": ["S99.99"]}, "icd10_codes"),
        ({"icd10_codes": ["banana"]}, "icd10_codes"),
        ({"date_of_admission": TODAY - timedelta(days=30)}, "date_of_admission"),
        ({"date_of_referral": TODAY - timedelta(days=25)}, "date_of_referral"),
        (
            {"date_of_referral": TODAY + timedelta(days=2)},
            "date_of_referral",
        ),  # service is ahead of UTC
        ({"date_of_birth": TODAY - timedelta(days=1)}, "date_of_birth"),
        ({"occupation_code": "12A"}, "occupation_code"),
    ],
)
def test_bad_referral_input_is_named_by_field_and_nothing_saved(world, overrides, field) -> None:
    with pytest.raises(ValidationError) as caught:
        services.referral_create(
            actor=world.people["therapist"], service=world.home, data=_referral(**overrides)
        )
    assert field in caught.value.message_dict
    assert not Patient.objects.exists()


def test_duplicate_referral_warns_and_links_the_existing_one(world) -> None:
    first = services.referral_create(
        actor=world.people["therapist"], service=world.home, data=_referral()
    )
    with pytest.raises(services.DuplicateReferral) as caught:
        services.referral_create(
            actor=world.people["therapist"], service=world.home, data=_referral(given_name="Anna")
        )
    assert caught.value.existing == first
    assert Patient.objects.count() == 1
    # The same hospital number in another service is another person.
    services.referral_create(
        actor=SYSTEM, service=world.other, data=_referral(occupation_code="5241")
    )


def test_outsider_and_mentor_cannot_create_a_referral_here(world) -> None:
    for persona in ("outsider", "mentor", "patient", "analyst"):
        with pytest.raises(Http404):
            services.referral_create(
                actor=world.people[persona], service=world.home, data=_referral()
            )


def test_age_outside_the_band_is_not_eligible_and_cannot_be_accepted(world) -> None:
    injured = TODAY - timedelta(days=20)
    patient = PatientFactory(
        service=world.home,
        date_of_injury=injured,
        date_of_referral=injured + timedelta(days=2),
        date_of_birth=date(injured.year - 75, 1, 1),
    )
    evaluation = selectors.eligibility_of(patient)
    assert [r.rule for r in evaluation.not_met] == ["age"]
    with pytest.raises(ValidationError) as caught:
        services.referral_accept(actor=world.people["therapist"], patient=patient)
    assert "Aged 7" in str(caught.value)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.REFERRED


def test_accept_then_allocate_makes_the_case_active(world) -> None:
    patient = PatientFactory(service=world.home)
    services.referral_accept(actor=world.people["therapist"], patient=patient)
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ELIGIBLE and patient.accepted_on is not None
    services.patient_allocate(
        actor=world.people["admin"], patient=patient, therapist=world.people["therapist"]
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ACTIVE
    assert patient.allocated_therapist == world.people["therapist"]


def test_allocation_only_to_a_therapist_of_the_service(world) -> None:
    patient = PatientFactory(service=world.home)
    with pytest.raises(ValidationError) as caught:
        services.patient_allocate(
            actor=world.people["therapist"], patient=patient, therapist=world.people["outsider"]
        )
    assert "therapist" in caught.value.message_dict


def test_decline_keeps_the_record_and_needs_a_reason(world) -> None:
    patient = PatientFactory(service=world.home)
    with pytest.raises(ValidationError):
        services.referral_decline(actor=world.people["therapist"], patient=patient, reason=" ")
    services.referral_decline(
        actor=world.people["therapist"], patient=patient, reason="Not working before injury"
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.INELIGIBLE
    assert patient.decline_reason == "Not working before injury"


def test_withdrawing_mentor_sharing_hides_the_patient_at_once(world) -> None:
    consent = ConsentFactory(patient=PatientFactory(service=world.home))
    assert Patient.objects.sharing_with_mentors().filter(pk=consent.patient.pk).exists()
    calls = []
    hook = services.MENTOR_SHARING_WITHDRAWN.register(
        lambda patient, actor: calls.append(patient.pk)
    )
    try:
        services.consent_withdraw(actor=world.people["therapist"], consent=consent)
    finally:
        services.MENTOR_SHARING_WITHDRAWN.unregister(hook)
    assert not Patient.objects.sharing_with_mentors().filter(pk=consent.patient.pk).exists()
    assert calls == [consent.patient.pk]
    assert AuditEvent.objects.filter(action="consent.withdraw").count() == 1


def test_a_patient_may_withdraw_only_their_own_consent(world) -> None:
    mine = ConsentFactory(patient=PatientFactory(service=world.home, user=world.people["patient"]))
    theirs = ConsentFactory(patient=PatientFactory(service=world.home))
    with pytest.raises(Http404):
        services.consent_withdraw(actor=world.people["patient"], consent=theirs)
    services.consent_withdraw(actor=world.people["patient"], consent=mine)
    mine.refresh_from_db()
    assert mine.withdrawn_by == world.people["patient"]


def test_consent_cannot_be_recorded_twice_while_current(world) -> None:
    patient = PatientFactory(service=world.home)
    services.consent_record(
        actor=world.people["therapist"],
        patient=patient,
        kind=ConsentKind.SERVICE,
        given_on=TODAY,
        how_given="verbal",
    )
    with pytest.raises(ValidationError) as caught:
        services.consent_record(
            actor=world.people["therapist"],
            patient=patient,
            kind=ConsentKind.SERVICE,
            given_on=TODAY,
            how_given="verbal",
        )
    assert "kind" in caught.value.message_dict


def test_profile_update_validates_codes_and_audits_changed_fields(world) -> None:
    patient = PatientFactory(service=world.home)
    services.patient_update(
        actor=world.people["therapist"],
        patient=patient,
        changes={"sci_level": "C6", "asia_grade": "B", "iss": 25},
    )
    event = AuditEvent.objects.get(action="patient.update")
    assert event.fields == ["asia_grade", "iss", "sci_level"]
    with pytest.raises(ValidationError) as caught:
        services.patient_update(
            actor=world.people["therapist"], patient=patient, changes={"iss": 80, "sci_level": "Z9"}
        )
    assert {"iss", "sci_level"} <= set(caught.value.message_dict)
    patient.refresh_from_db()
    assert patient.iss == 25


def test_rtw_plan_entries_and_work_status(world) -> None:
    patient = PatientFactory(service=world.home)
    actor = world.people["therapist"]
    goal = services.goal_add(
        actor=actor,
        patient=patient,
        text="Return on light duties",
        target_on=TODAY + timedelta(days=30),
    )
    services.goal_update(actor=actor, goal=goal, changes={"status": "achieved"})
    services.work_status_add(
        actor=actor, patient=patient, from_date=TODAY, status="phased_return", hours_per_week=16
    )
    with pytest.raises(ValidationError) as caught:
        services.certificate_add(
            actor=actor,
            patient=patient,
            from_date=TODAY,
            to_date=TODAY - timedelta(days=1),
            capacity="modified",
        )
    assert "to_date" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.work_status_add(
            actor=actor,
            patient=patient,
            from_date=patient.date_of_injury - timedelta(days=1),
            status="not_working",
        )
    assert patient.goals.get().status == "achieved"
    assert patient.work_statuses.count() == 1


def test_second_therapist_in_service_is_a_valid_allocation(world) -> None:
    colleague = world.colleague
    patient = PatientFactory(service=world.home)
    services.patient_allocate(actor=world.people["therapist"], patient=patient, therapist=colleague)
    assert (
        selectors.caseload(
            world.people["therapist"], selectors.CaseloadFilters(therapist=str(colleague.pk))
        ).count()
        == 1
    )
