""" "Accept anyway": a referral the eligibility rules refuse, on a therapist's recorded
clinical reason, only where the service allows clinical override (issue 12, point 2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.core.eligibility import Evaluation, Outcome, RuleResult, acceptance
from alongside.patients import services
from alongside.patients.models import PatientStatus
from tests.patients.factories import EligibilityRulesFactory, PatientFactory

TODAY = date.today()
TOO_OLD = RuleResult("age", "Aged 16 to 70 at injury", Outcome.NOT_MET, "Aged 75 at injury.")
MET = RuleResult("age", "Aged 16 to 70 at injury", Outcome.MET, "Aged 40 at injury.")


# --- The rule, in core ------------------------------------------------------------------


def test_a_referral_that_meets_the_rules_is_accepted_without_override() -> None:
    decision = acceptance(Evaluation((MET,)), override_allowed=True, override_reason="whatever")
    assert decision.allowed and not decision.override and decision.reason == ""


def test_a_failing_referral_is_refused_where_override_is_not_allowed() -> None:
    decision = acceptance(
        Evaluation((TOO_OLD,)), override_allowed=False, override_reason="Clinical need"
    )
    assert not decision.allowed
    assert decision.refusal is not None and decision.refusal[0] == "eligibility"
    assert "Aged 75" in decision.refusal[1]


def test_override_needs_a_reason() -> None:
    decision = acceptance(Evaluation((TOO_OLD,)), override_allowed=True, override_reason="  ")
    assert decision.refusal is not None and decision.refusal[0] == "override_reason"
    assert "clinical reason" in decision.refusal[1]


def test_override_with_a_reason_is_accepted_and_marked() -> None:
    decision = acceptance(
        Evaluation((TOO_OLD,)), override_allowed=True, override_reason=" Fit   and working "
    )
    assert decision.allowed and decision.override and decision.reason == "Fit and working"


# --- The service and the page -----------------------------------------------------------


def _too_old(world):
    injured = TODAY - timedelta(days=20)
    return PatientFactory(
        service=world.home,
        given_name="Vera",
        date_of_injury=injured,
        date_of_referral=injured + timedelta(days=2),
        date_of_birth=date(injured.year - 75, 1, 1),
    )


@pytest.mark.django_db
def test_the_setting_is_off_by_default_and_the_page_leads_with_decline(world) -> None:
    patient = _too_old(world)
    page = world.client_for("therapist").get(reverse("patients:detail", args=[patient.pk]))
    text = page.content.decode()
    assert "Decline referral" in text
    assert reverse("patients:accept", args=[patient.pk]) not in text
    assert reverse("patients:accept_anyway", args=[patient.pk]) not in text
    assert "does not allow clinical override" in text
    response = world.client_for("therapist").post(
        reverse("patients:accept_anyway", args=[patient.pk]),
        {"override_reason": "Working as a volunteer firefighter"},
    )
    assert response.status_code == 400
    assert "Not eligible under the service" in response.content.decode()
    patient.refresh_from_db()
    assert patient.status == PatientStatus.REFERRED and patient.eligibility_override_reason == ""


@pytest.mark.django_db
def test_a_therapist_accepts_anyway_with_a_reason_audited_and_shown(world) -> None:
    EligibilityRulesFactory(service=world.home, allow_clinical_override=True)
    patient = _too_old(world)
    therapist = world.client_for("therapist")
    page = therapist.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert page.index("Decline referral") < page.index("Accept anyway")
    assert reverse("patients:accept_anyway", args=[patient.pk]) in page

    # No reason: the field is named, nothing is written.
    empty = therapist.post(
        reverse("patients:accept_anyway", args=[patient.pk]), {"override_reason": ""}
    )
    assert empty.status_code == 400
    assert "Clinical reason for accepting anyway" in empty.content.decode()
    patient.refresh_from_db()
    assert patient.status == PatientStatus.REFERRED

    done = therapist.post(
        reverse("patients:accept_anyway", args=[patient.pk]),
        {"override_reason": "Still working full time as a farmer; fit for the programme."},
    )
    assert done.status_code == 302
    patient.refresh_from_db()
    assert patient.status == PatientStatus.ELIGIBLE
    assert patient.eligibility_override_by == world.people["therapist"]
    assert patient.eligibility_override_on == patient.accepted_on
    assert patient.eligibility_override_reason.startswith("Still working full time")
    event = AuditEvent.objects.get(action="patient.accept_anyway", object_id=str(patient.pk))
    assert "eligibility_override_reason" in event.fields
    assert event.actor_id == world.people["therapist"].pk
    case = therapist.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "Accepted anyway" in case and "Still working full time as a farmer" in case


@pytest.mark.django_db
def test_only_a_therapist_may_override(world) -> None:
    EligibilityRulesFactory(service=world.home, allow_clinical_override=True)
    patient = _too_old(world)
    admin = world.client_for("admin")
    page = admin.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert reverse("patients:accept_anyway", args=[patient.pk]) not in page
    response = admin.post(
        reverse("patients:accept_anyway", args=[patient.pk]), {"override_reason": "Because"}
    )
    assert response.status_code == 400
    assert "Only a therapist" in response.content.decode()
    patient.refresh_from_db()
    assert patient.status == PatientStatus.REFERRED
    outsider = world.client_for("outsider").post(
        reverse("patients:accept_anyway", args=[patient.pk]), {"override_reason": "Because"}
    )
    assert outsider.status_code == 404


@pytest.mark.django_db
def test_declining_after_an_override_clears_it(world) -> None:
    EligibilityRulesFactory(service=world.home, allow_clinical_override=True)
    patient = _too_old(world)
    services.referral_accept(
        actor=world.people["therapist"], patient=patient, override_reason="Clinical need"
    )
    services.referral_decline(
        actor=world.people["therapist"], patient=patient, reason="Moved interstate"
    )
    patient.refresh_from_db()
    assert patient.status == PatientStatus.INELIGIBLE
    assert patient.eligibility_override_reason == "" and patient.eligibility_override_on is None


@pytest.mark.django_db
def test_the_manager_turns_the_setting_on_from_the_rules_page(world) -> None:
    admin = world.client_for("admin")
    url = reverse("patients:rules", args=[world.home.slug])
    page = admin.get(url).content.decode()
    assert "Allow clinical override" in page
    response = admin.post(
        url,
        {
            "min_age": 16,
            "max_age": 70,
            "require_working_or_studying": "on",
            "allowed_categories": ["sci", "tbi", "ortho", "amputation"],
            "max_weeks_since_injury": 12,
            "weeks_counted_from": "injury",
            "allow_clinical_override": "on",
        },
    )
    assert response.status_code == 302
    world.home.eligibility_rules.refresh_from_db()
    assert world.home.eligibility_rules.allow_clinical_override
    assert any(
        "allow_clinical_override" in event.fields
        for event in AuditEvent.objects.filter(action="eligibility_rules.update")
    )
