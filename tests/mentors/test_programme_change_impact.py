"""A change to the mentor programme shows its effect before it is made (issue 12 §4):
how many active mentors a new required module, a criterion or a check rule would make
unmatchable (by the one matchability rule), a start date for a new module, and the find
page naming the missing module."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.core import mentor_programme as rules
from alongside.mentors.models import Mentor, MentorStatus, SelectionCriterion, TrainingModule
from tests.matches.factories import ready_mentor, waiting_patient
from tests.mentors.factories import make_ready_mentor

pytestmark = pytest.mark.django_db


def test_a_module_required_from_a_later_day_leaves_mentors_matchable_until_then() -> None:
    module = rules.Module(1, "Safeguarding", True, None, dt.date(2025, 7, 1))
    assert rules.training_valid_until([module], []) == dt.date(2025, 6, 30)
    statuses = rules.training_statuses([module], [], dt.date(2025, 6, 15))
    assert statuses[0].state == "upcoming" and rules.training_problems(statuses) == []
    later = rules.training_statuses([module], [], dt.date(2025, 7, 1))
    assert rules.missing_training(later) == ["Safeguarding"]
    assert rules.training_valid_until([rules.Module(1, "Safeguarding", True)], []) is None


def test_newly_unmatchable_counts_only_mentors_the_change_stops() -> None:
    today = dt.date(2025, 6, 15)
    ok = rules.MentorState("active", 2, 0, dt.date(2026, 1, 1), dt.date(2026, 1, 1), None)
    untrained = rules.MentorState("active", 2, 0, dt.date(2026, 1, 1), None, None)
    full = rules.MentorState("active", 1, 1, dt.date(2026, 1, 1), dt.date(2026, 1, 1), None)
    full_untrained = rules.MentorState("active", 1, 1, dt.date(2026, 1, 1), None, None)
    pairs = [(ok, untrained), (ok, ok), (full, full_untrained)]
    assert rules.newly_unmatchable(pairs, today, 14) == 1


def _module_values(**values: str) -> dict[str, str]:
    return {"title": "Safeguarding adults", "required": "on", "order": "9", **values}


def test_a_new_required_module_shows_how_many_it_would_stop_and_saves_nothing(world) -> None:
    today = timezone.localdate()
    make_ready_mentor(service=world.home, today=today, status=MentorStatus.ACTIVE)
    make_ready_mentor(service=world.home, today=today, status=MentorStatus.ACTIVE)
    url = reverse("mentors:modules", args=[world.home.slug])
    body = world.client_for("admin").post(url, _module_values()).content.decode()
    assert "This would make 2 of 2 active mentors unmatchable today" in body
    assert "Required for new matches from" in body
    assert not TrainingModule.objects.filter(title="Safeguarding adults").exists()


def test_a_start_date_is_previewed_and_saved_so_mentors_stay_matchable_until_then(
    world,
) -> None:
    today = timezone.localdate()
    mentor = make_ready_mentor(service=world.home, today=today, status=MentorStatus.ACTIVE)
    start = today + dt.timedelta(days=30)
    url = reverse("mentors:modules", args=[world.home.slug])
    client = world.client_for("admin")
    values = _module_values(required_from=start.isoformat())
    body = client.post(url, values).content.decode()
    assert f"unmatchable from {start.day} {start:%B %Y}" in body
    response = client.post(url, {**values, "confirm": "1"})
    assert response.status_code == 302
    module = TrainingModule.objects.get(title="Safeguarding adults")
    assert module.required_from == start
    assert AuditEvent.objects.filter(action="mentor.training_configure").exists()
    mentor.refresh_from_db()
    assert mentor.training_valid_until == start - dt.timedelta(days=1)
    assert mentor in Mentor.objects.matchable(today)
    assert mentor not in Mentor.objects.matchable(start)


def test_a_new_criterion_counts_the_active_mentors_who_have_not_met_it(world) -> None:
    today = timezone.localdate()
    make_ready_mentor(service=world.home, today=today, status=MentorStatus.ACTIVE)
    url = reverse("mentors:criteria", args=[world.home.slug])
    values = {"name": "First-aid certificate", "kind": "recorded", "required": "on", "order": "7"}
    client = world.client_for("admin")
    body = client.post(url, values).content.decode()
    assert "1 of 1 active mentor has not met this criterion." in body
    assert not SelectionCriterion.objects.filter(name="First-aid certificate").exists()
    assert client.post(url, {**values, "confirm": "1"}).status_code == 302
    assert SelectionCriterion.objects.filter(name="First-aid certificate").exists()


def test_a_bad_module_is_named_in_the_error_summary(world) -> None:
    url = reverse("mentors:modules", args=[world.home.slug])
    response = world.client_for("admin").post(url, _module_values(title="", confirm="1"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and 'href="#id_title"' in body
    assert "Error:" in body


def test_the_find_page_names_the_missing_module(world) -> None:
    TrainingModule.objects.create(service=world.home, title="Boundaries and safety")
    mentor = ready_mentor(world.home, first_name="Tomas", training_valid_until=None)
    patient = waiting_patient(world.home)
    url = reverse("matches:find", args=[patient.pk])
    summary = world.client_for("therapist").get(url).content.decode()
    assert "Training</a>: 1 mentor<" in summary  # the page summarises by rule
    body = world.client_for("therapist").get(url, {"excluded": "training"})
    row = body.content.decode()
    assert "Not suggested: Training" in row and mentor.first_name in row
    assert "Required training not done: Boundaries and safety." in row


def test_an_existing_criterion_and_module_are_changed_on_their_own_pages(world) -> None:
    criterion = SelectionCriterion.objects.create(
        service=world.home, name="Interview", kind="recorded", required=False, order=3
    )
    module = TrainingModule.objects.create(
        service=world.home, title="Listening", required=False, order=4
    )
    client = world.client_for("admin")
    pages = [
        (
            reverse("mentors:criterion_edit", args=[criterion.pk]),
            {"name": "Interview with two staff", "kind": "recorded", "order": "3"},
            "mentor.criterion_configure",
        ),
        (
            reverse("mentors:module_edit", args=[module.pk]),
            {"title": "Active listening", "order": "4"},
            "mentor.training_configure",
        ),
    ]
    for url, values, action in pages:
        assert client.post(url, values).status_code == 200  # the preview writes nothing
        assert not AuditEvent.objects.filter(action=action).exists()
        assert client.post(url, {**values, "confirm": "1"}).status_code == 302
        assert AuditEvent.objects.filter(action=action).exists()
    criterion.refresh_from_db()
    module.refresh_from_db()
    assert (criterion.name, module.title) == ("Interview with two staff", "Active listening")
