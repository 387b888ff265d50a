"""The roll-up across services: started by a manager, worked out by the task worker
with progress, then one row per managed service and the totals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.accounts.models import Role
from alongside.audit.models import AuditEvent
from alongside.reports import selectors
from alongside.reports.models import ExportJob, ExportStatus
from alongside.reports.periods import Period
from tests.factories import MembershipFactory
from tests.personas import World
from tests.reports.factories import populate

pytestmark = pytest.mark.django_db


def _period() -> Period:
    today = timezone.localdate()
    return Period(today - dt.timedelta(days=400), today)


def _start(client, capture, period: Period):
    with capture(execute=True):
        response = client.post(
            reverse("reports:rollup_start"),
            {"start": period.start.isoformat(), "end": period.end.isoformat()},
        )
    assert response.status_code == 302
    return ExportJob.objects.get(kind="rollup"), response["Location"]


def test_a_manager_of_two_services_gets_both_and_the_totals(
    world: World, run_worker, django_capture_on_commit_callbacks
) -> None:
    MembershipFactory(user=world.people["admin"], service=world.other, role=Role.ADMIN)
    populate(world.home, seed=2, patients=12)
    populate(world.other, seed=4, patients=7)
    client = world.client_for("admin")
    assert "All my services" in client.get(reverse("reports:index")).content.decode()
    period = _period()
    job, url = _start(client, django_capture_on_commit_callbacks, period)
    assert job.status == ExportStatus.QUEUED and job.steps_total == 2
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "0 of 2 services" in page
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.steps_done == 2
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "every 2s" not in fragment and "<html" not in fragment
    home = selectors.referral_figures(world.home, period, pseudonymised=True)
    other = selectors.referral_figures(world.other, period, pseudonymised=True)
    assert world.home.name in fragment and world.other.name in fragment
    assert f"<td>{home.referred}</td>" in fragment and f"<td>{other.referred}</td>" in fragment
    totals = fragment.split("<tfoot>")[1]
    assert f"<td>{home.referred + other.referred}</td>" in totals
    assert AuditEvent.objects.filter(action="report.rollup_request").count() == 1
    done = AuditEvent.objects.get(action="report.rollup")
    assert set(done.object_ids) == {str(world.home.pk), str(world.other.pk)}
    # Another manager cannot open it; nor can it be downloaded as a file.
    MembershipFactory(user=world.people["therapist"], service=world.home, role=Role.ADMIN)
    assert world.client_for("therapist").get(url).status_code == 404
    download = reverse("reports:job_download", args=[job.pk])
    assert client.get(download).status_code == 404


def test_only_the_services_the_person_manages_are_rolled_up(
    world: World, run_worker, django_capture_on_commit_callbacks
) -> None:
    MembershipFactory(user=world.people["admin"], service=world.other, role=Role.THERAPIST)
    client = world.client_for("admin")
    job, url = _start(client, django_capture_on_commit_callbacks, _period())
    run_worker()
    page = client.get(url).content.decode()
    assert world.home.name in page and world.other.name not in page


def test_a_bad_period_is_refused_naming_the_field(world: World) -> None:
    response = world.client_for("admin").post(
        reverse("reports:rollup_start"), {"start": "2026-06-01", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "To: The period must end on or after the day it starts." in response.content.decode()
    assert not ExportJob.objects.filter(kind="rollup").exists()


def test_a_manager_who_lost_the_role_gets_a_failed_job(
    world: World, run_worker, django_capture_on_commit_callbacks
) -> None:
    client = world.client_for("admin")
    job, url = _start(client, django_capture_on_commit_callbacks, _period())
    world.people["admin"].memberships.all().delete()
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert "The roll-up failed" in job.message
