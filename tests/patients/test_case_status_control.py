"""The case-status control is a safe default (issue 12 §4): it starts empty, and
"Returned to work" asks for the date and hours and goes on the work-status timeline,
which moves the case (tests/patients/test_status_follows_timeline.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse

from alongside.patients.models import PatientStatus, WorkStatus
from tests.patients.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return PatientFactory(
        service=world.home,
        status=PatientStatus.ACTIVE,
        allocated_therapist=world.people["therapist"],
    )


def test_the_control_starts_empty(world, case) -> None:
    body = world.client_for("therapist").get(reverse("patients:detail", args=[case.pk]))
    html = body.content.decode()
    select = html[html.index('<select name="status"') :].split("</select>")[0]
    first = select.split("<option")[1]
    assert 'value=""' in first and "selected" in first
    assert "Choose the new status" in first


def test_posting_nothing_changes_nothing(world, case) -> None:
    response = world.client_for("therapist").post(reverse("patients:status", args=[case.pk]), {})
    assert response.status_code == 400
    assert "Choose the case&#x27;s new status." in response.content.decode()
    case.refresh_from_db()
    assert case.status == PatientStatus.ACTIVE


def test_returned_to_work_asks_for_date_and_hours(world, case) -> None:
    response = world.client_for("therapist").post(
        reverse("patients:status", args=[case.pk]), {"status": "returned_full"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Enter the date the patient went back to work." in body
    assert "Enter the hours a week the patient works." in body
    assert 'href="#id_returned_on"' in body  # named in the error summary
    case.refresh_from_db()
    assert case.status == PatientStatus.ACTIVE and not WorkStatus.objects.exists()


def test_returned_to_work_goes_on_the_timeline_and_moves_the_case(world, case) -> None:
    back = case.date_of_injury + dt.timedelta(days=20)
    response = world.client_for("therapist").post(
        reverse("patients:status", args=[case.pk]),
        {"status": "returned_phased", "returned_on": back.isoformat(), "hours_per_week": "16"},
    )
    assert response.status_code == 302
    entry = WorkStatus.objects.get(patient=case)
    assert (entry.from_date, entry.status, entry.hours_per_week) == (back, "phased_return", 16)
    case.refresh_from_db()
    assert case.status == PatientStatus.RETURNED_TO_WORK


def test_a_return_before_the_injury_is_refused_beside_the_date(world, case) -> None:
    response = world.client_for("therapist").post(
        reverse("patients:status", args=[case.pk]),
        {
            "status": "returned_full",
            "returned_on": (case.date_of_injury - dt.timedelta(days=1)).isoformat(),
            "hours_per_week": "38",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'href="#id_returned_on"' in body and "before the date of injury" in body
    assert not WorkStatus.objects.exists()


def _offered(world, case) -> list[str]:
    html = world.client_for("therapist").get(reverse("patients:detail", args=[case.pk]))
    page = html.content.decode()
    if '<select name="status"' not in page:
        return []
    select = page[page.index('<select name="status"') :].split("</select>")[0]
    return [o.split('value="')[1].split('"')[0] for o in select.split("<option")[1:]]


@pytest.mark.parametrize(
    ("status", "offered"),
    [
        (
            PatientStatus.ACTIVE,
            ["", "returned_phased", "returned_full", "returned_new_job", "discharged"],
        ),
        (PatientStatus.DISCHARGED, ["", "active"]),
    ],
)
def test_the_control_offers_only_the_moves_the_service_allows(world, status, offered) -> None:
    # An active case was offered "Re-open as active", which the service then refused.
    case = PatientFactory(
        service=world.home, status=status, allocated_therapist=world.people["therapist"]
    )
    assert _offered(world, case) == offered
    client = world.client_for("therapist")
    for move in offered[1:]:
        if move == "active" or move == "discharged":
            with transaction.atomic():
                response = client.post(reverse("patients:status", args=[case.pk]), {"status": move})
                assert response.status_code == 302, move
                transaction.set_rollback(True)


def test_a_move_gone_since_the_page_was_opened_is_refused_and_the_control_shows_again_narrowed(
    world, case
) -> None:
    # The page was opened while the case was discharged; a colleague re-opened it since.
    response = world.client_for("therapist").post(
        reverse("patients:status", args=[case.pk]), {"status": "active"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "That move is no longer open to this case" in body
    select = body[body.index('<select name="status"') :].split("</select>")[0]
    offered = [o.split('value="')[1].split('"')[0] for o in select.split("<option")[1:]]
    assert offered == ["", "returned_phased", "returned_full", "returned_new_job", "discharged"]
    case.refresh_from_db()
    assert case.status == PatientStatus.ACTIVE


def test_hours_on_the_timeline_read_as_people_write_them(world, case) -> None:
    # "16.0 hours a week" and "0.0 hours a week" read like a machine wrote them.
    client = world.client_for("therapist")
    back = case.date_of_injury + dt.timedelta(days=20)
    client.post(
        reverse("patients:status", args=[case.pk]),
        {"status": "returned_phased", "returned_on": back.isoformat(), "hours_per_week": "16"},
    )
    WorkStatus.objects.create(
        patient=case,
        from_date=back + dt.timedelta(days=7),
        status="phased_return",
        hours_per_week="7.5",
    )
    body = client.get(reverse("patients:detail", args=[case.pk])).content.decode()
    assert "16 hours a week" in body and "7.5 hours a week" in body
    assert "16.0 hours" not in body
