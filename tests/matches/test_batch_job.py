"""The batch run plans in the task worker: progress, then the plan, seen by its asker only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.accounts.models import Membership
from alongside.audit.models import AuditEvent
from alongside.matches import services
from alongside.matches.models import BatchPlanJob, BatchPlanStatus
from tests.matches.factories import ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db


def _start(world, client, capture):
    with capture(execute=True):
        response = client.post(reverse("matches:batch_plan", args=[world.home.slug]))
    assert response.status_code == 302
    return BatchPlanJob.objects.get(), response["Location"]


def test_the_plan_is_made_by_the_worker_and_shown_only_to_who_asked(
    world, run_worker, django_capture_on_commit_callbacks
) -> None:
    mentor = ready_mentor(world.home, capacity=1)
    first, second = waiting_patient(world.home), waiting_patient(world.home)
    therapist = world.client_for("therapist")
    job, url = _start(world, therapist, django_capture_on_commit_callbacks)
    page = therapist.get(url).content.decode()
    assert job.status == BatchPlanStatus.QUEUED
    assert 'hx-trigger="every 2s"' in page and "Waiting for the task worker" in page
    assert job.pairs == []  # nothing planned inside the web request
    run_worker()
    job.refresh_from_db()
    assert job.status == BatchPlanStatus.DONE and job.waiting_count == 2
    # One place, two patients: the longest waiting is planned, the other left over.
    assert [(p, m) for p, m, _ in job.pairs] == [(first.pk, mentor.pk)]
    assert job.unmatched == [second.pk]
    response = therapist.get(url, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert "every 2s" not in fragment
    assert f'value="{first.pk}:{mentor.pk}"' in fragment and second.full_name in fragment
    read = AuditEvent.objects.get(request_id=response["X-Request-ID"], action="read")
    assert {f"patients.patient:{first.pk}", f"patients.patient:{second.pk}"} <= set(read.object_ids)
    assert world.client_for("admin").get(url).status_code == 404  # another person's plan


def test_htmx_start_shows_the_progress_in_place(world, django_capture_on_commit_callbacks) -> None:
    waiting_patient(world.home)
    therapist = world.client_for("therapist")
    with django_capture_on_commit_callbacks(execute=True):
        response = therapist.post(
            reverse("matches:batch_plan", args=[world.home.slug]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="batch-job"' in body and "every 2s" in body and "<html" not in body


def test_a_plan_leaves_out_who_was_matched_since_and_publish_checks_again(
    world, run_worker, django_capture_on_commit_callbacks
) -> None:
    mentor = ready_mentor(world.home, capacity=3)
    patient = waiting_patient(world.home)
    therapist = world.client_for("therapist")
    job, url = _start(world, therapist, django_capture_on_commit_callbacks)
    run_worker()
    services.match_batch_publish(
        actor=world.people["therapist"], service=world.home, pairs=[(patient.pk, mentor.pk)]
    )
    again = therapist.post(
        reverse("matches:batch_publish", args=[world.home.slug]),
        {"pair": [f"{patient.pk}:{mentor.pk}"]},
    )
    assert again.status_code == 400  # already proposed: refused, not proposed twice
    assert "Nothing was published" in again.content.decode()


def test_a_run_for_someone_who_lost_their_role_fails_and_plans_nothing(
    world, run_worker, django_capture_on_commit_callbacks
) -> None:
    ready_mentor(world.home, capacity=1)
    waiting_patient(world.home)
    therapist = world.client_for("therapist")
    job, url = _start(world, therapist, django_capture_on_commit_callbacks)
    Membership.objects.filter(user=world.people["therapist"], service=world.home).delete()
    run_worker()
    job.refresh_from_db()
    assert job.status == BatchPlanStatus.FAILED and job.pairs == []
    assert "could not be made" in job.message
