"""The service's own closure days (issue 11 §2): added and removed by its manager, audited,
and counted by the targets' working days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.organisations.models import ClosureDay
from alongside.organisations.selectors import closed_days

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return reverse("organisations:closures", args=[world.home.slug])


def test_a_run_of_days_is_added_with_its_reason_and_audited(world) -> None:
    client = world.client_for("admin")
    response = client.post(
        _url(world),
        {"first_day": "2030-12-24", "last_day": "2030-12-27", "reason": "Christmas closure"},
    )
    assert response.status_code == 302
    days = list(ClosureDay.objects.filter(service=world.home).values_list("on", "reason"))
    assert days == [(dt.date(2030, 12, d), "Christmas closure") for d in (24, 25, 26, 27)]
    event = AuditEvent.objects.get(action="service.closure_add")
    assert "closure_days.2030-12-24" in event.fields and len(event.fields) == 4
    assert dt.date(2030, 12, 27) in closed_days(world.home, range(2030, 2031))
    page = client.get(_url(world)).content.decode()
    assert "Tue 24 Dec 2030" in page and "Christmas closure" in page


def test_a_bad_date_is_named_in_the_error_summary(world) -> None:
    response = world.client_for("admin").post(_url(world), {"first_day": "24/13/2030"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body
    assert 'href="#id_first_day"' in body
    assert "Enter the first closed day as a date, for example 2026-12-24." in body
    assert not ClosureDay.objects.exists()


def test_a_day_already_closed_refuses_the_whole_run(world) -> None:
    ClosureDay.objects.create(service=world.home, on=dt.date(2030, 12, 26))
    response = world.client_for("admin").post(
        _url(world), {"first_day": "2030-12-24", "last_day": "2030-12-27"}
    )
    assert response.status_code == 400
    assert "Already a closure day: 26 December 2030." in response.content.decode()
    assert ClosureDay.objects.count() == 1  # nothing half-written


def test_the_last_day_before_the_first_is_refused(world) -> None:
    response = world.client_for("admin").post(
        _url(world), {"first_day": "2030-12-24", "last_day": "2030-12-20"}
    )
    assert "The last closed day must be on or after 24 December 2030." in (
        response.content.decode()
    )
    assert not ClosureDay.objects.exists()


def test_removing_a_day_is_audited_and_another_services_day_is_404(world) -> None:
    mine = ClosureDay.objects.create(service=world.home, on=dt.date(2030, 12, 24))
    theirs = ClosureDay.objects.create(service=world.other, on=dt.date(2030, 12, 24))
    client = world.client_for("admin")
    url = reverse("organisations:closure_remove", args=[world.home.slug, theirs.pk])
    assert client.post(url).status_code == 404
    url = reverse("organisations:closure_remove", args=[world.home.slug, mine.pk])
    assert client.post(url).status_code == 302
    assert list(ClosureDay.objects.all()) == [theirs]
    assert AuditEvent.objects.get(action="service.closure_remove").fields == [
        "closure_days.2030-12-24"
    ]
