"""The selection pipeline, enforced in the service layer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from alongside.audit.models import AuditEvent
from alongside.core.mentor_programme import ProgrammeRuleError
from alongside.mentors import services
from alongside.mentors.models import Mentor, MentorStatus
from tests.mentors.factories import (
    MentorFactory,
    SelectionCriterionFactory,
    TrainingModuleFactory,
    make_ready_mentor,
)


@pytest.fixture
def programme(world, frozen):
    SelectionCriterionFactory(service=world.home, name="Interview done")
    SelectionCriterionFactory(service=world.home, name="Two references")
    SelectionCriterionFactory(
        service=world.home, name="12 months since injury", kind="months_since_injury", min_months=12
    )
    TrainingModuleFactory(service=world.home, title="Boundaries", recertify_months=24)
    TrainingModuleFactory(service=world.home, title="Extra", required=False)
    return world


def test_it_walks_enquiry_to_training_one_step_at_a_time(programme) -> None:
    therapist = programme.people["therapist"]
    mentor = MentorFactory(service=programme.home)
    for step in ("screening", "checks", "training"):
        mentor = services.mentor_advance(actor=therapist, mentor=mentor, to_status=step)
        assert Mentor.objects.get(pk=mentor.pk).status == step
    assert AuditEvent.objects.filter(action="mentor.training", object_id=str(mentor.pk)).exists()


def test_it_refuses_skipping_a_step(programme) -> None:
    mentor = MentorFactory(service=programme.home)
    with pytest.raises(ProgrammeRuleError, match="cannot go from enquiry to checks"):
        services.mentor_advance(
            actor=programme.people["therapist"], mentor=mentor, to_status="checks"
        )
    assert Mentor.objects.get(pk=mentor.pk).status == "enquiry"


def test_activation_refuses_and_lists_everything_missing(programme, frozen) -> None:
    mentor = MentorFactory(
        service=programme.home, status="training", date_of_injury=frozen - dt.timedelta(days=100)
    )
    with pytest.raises(ProgrammeRuleError) as refused:
        services.mentor_activate(actor=programme.people["therapist"], mentor=mentor)
    problems = refused.value.problems
    assert any("Interview done" in p for p in problems)
    assert any("Two references" in p for p in problems)
    assert any("12 months since injury" in p for p in problems)
    assert any("background check" in p for p in problems)
    assert any("Boundaries" in p for p in problems)
    assert not any("Extra" in p for p in problems)  # optional training is not required
    assert Mentor.objects.get(pk=mentor.pk).status == "training"


def test_activation_refuses_an_expired_check(programme, frozen) -> None:
    mentor = make_ready_mentor(service=programme.home, today=frozen)
    mentor.checks.update(
        issued_on=frozen - dt.timedelta(days=800), expires_on=frozen - dt.timedelta(days=1)
    )
    with pytest.raises(ProgrammeRuleError, match="expired on 14 Jun 2025"):
        services.mentor_activate(actor=programme.people["therapist"], mentor=mentor)


def test_activation_refuses_lapsed_training(programme, frozen) -> None:
    mentor = make_ready_mentor(service=programme.home, today=frozen)
    mentor.training_completions.update(completed_on=frozen - dt.timedelta(days=800))
    with pytest.raises(ProgrammeRuleError, match="Required training lapsed"):
        services.mentor_activate(actor=programme.people["therapist"], mentor=mentor)


def test_activation_succeeds_when_everything_is_in_place(programme, frozen) -> None:
    mentor = make_ready_mentor(
        service=programme.home, today=frozen, user=programme.people["patient"]
    )
    active = services.mentor_activate(actor=programme.people["therapist"], mentor=mentor)
    assert active.status == MentorStatus.ACTIVE
    # First supervision is due one cadence after activation.
    assert active.supervision_due_on == frozen + dt.timedelta(weeks=4)
    assert programme.people["patient"].memberships.filter(role="mentor").exists()


def test_pause_needs_a_reason_and_resume_rechecks_the_rules(programme, frozen) -> None:
    therapist = programme.people["therapist"]
    mentor = make_ready_mentor(service=programme.home, today=frozen, status="active")
    with pytest.raises(ValidationError):
        services.mentor_pause(actor=therapist, mentor=mentor, reason="  ")
    paused = services.mentor_pause(actor=therapist, mentor=mentor, reason="Needs a break")
    assert paused.status == "paused" and paused.paused_reason == "Needs a break"
    assert not Mentor.objects.matchable(frozen).filter(pk=mentor.pk).exists()
    mentor.checks.all().delete()
    with pytest.raises(ProgrammeRuleError, match="cannot go back to active"):
        services.mentor_resume(actor=therapist, mentor=paused)


def test_pause_runs_the_hooks_of_other_apps(programme, frozen, monkeypatch) -> None:
    seen = []
    monkeypatch.setattr(services.pipeline.ON_PAUSE, "_items", [lambda m, actor: seen.append(m.pk)])
    mentor = make_ready_mentor(service=programme.home, today=frozen, status="active")
    services.mentor_pause(actor=programme.people["therapist"], mentor=mentor, reason="Unwell")
    assert seen == [mentor.pk]


def test_decline_needs_a_reason_and_is_final(programme) -> None:
    therapist = programme.people["therapist"]
    mentor = MentorFactory(service=programme.home)
    with pytest.raises(ValidationError):
        services.mentor_decline(actor=therapist, mentor=mentor, reason="")
    declined = services.mentor_decline(actor=therapist, mentor=mentor, reason="Too soon")
    with pytest.raises(ProgrammeRuleError):
        services.mentor_advance(actor=therapist, mentor=declined, to_status="screening")


def test_other_services_and_mentors_cannot_move_a_mentor(programme) -> None:
    mentor = MentorFactory(service=programme.home)
    for persona in ("outsider", "mentor", "analyst", "patient"):
        with pytest.raises(Http404):
            services.mentor_advance(
                actor=programme.people[persona], mentor=mentor, to_status="screening"
            )


def test_a_therapist_moves_an_applicant_through_the_pages(programme, frozen) -> None:
    client = programme.client_for("therapist")
    mentor = make_ready_mentor(service=programme.home, today=frozen, status="enquiry")
    url = f"/mentors/{mentor.pk}/status/"
    for step in ("screening", "checks", "training"):
        assert client.post(url, {"action": step}).status_code == 302
    assert client.post(url, {"action": "activate"}).status_code == 302
    assert Mentor.objects.get(pk=mentor.pk).status == "active"


def test_the_page_lists_what_is_missing_when_activation_is_refused(programme) -> None:
    client = programme.client_for("therapist")
    mentor = MentorFactory(service=programme.home, status="training")
    response = client.post(f"/mentors/{mentor.pk}/status/", {"action": "activate"})
    assert response.status_code == 400
    assert "Selection criterion not met: Interview done" in response.content.decode()
    assert Mentor.objects.get(pk=mentor.pk).status == "training"
