"""The manager's page for how often each kind of check is redone (issue 11 §1, issue 12 §4):
the effect on matchable mentors is shown before the change is saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.mentors.models import Check, CheckRenewalPeriod, MentorStatus
from alongside.mentors.services import bulk_compliance_refresh
from tests.mentors.factories import make_ready_mentor

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 6, 15)


@pytest.fixture
def mentor_with_an_undated_check(world, frozen):
    mentor = make_ready_mentor(service=world.home, today=TODAY, status=MentorStatus.ACTIVE)
    Check.objects.filter(mentor=mentor).update(issued_on=dt.date(2023, 1, 10), expires_on=None)
    bulk_compliance_refresh([mentor])
    mentor.refresh_from_db()
    assert mentor.checks_valid_until == dt.date(2026, 1, 9)  # the 36-month default
    return mentor


def _url(world) -> str:
    return reverse("mentors:renewals", args=[world.home.slug])


def test_the_page_shows_the_defaults(world) -> None:
    response = world.client_for("admin").get(_url(world))
    body = response.content.decode()
    assert "Police / background check: redo every (months)" in body
    assert "Leave empty for the default of 36 months" in body


def test_a_change_is_previewed_with_the_mentors_it_would_stop(
    world, mentor_with_an_undated_check
) -> None:
    client = world.client_for("admin")
    response = client.post(_url(world), {"background": "24"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "This change would make 1 of 1 active mentor unmatchable today" in body
    assert not CheckRenewalPeriod.objects.filter(service=world.home).exists()  # not saved yet


def test_confirming_saves_recomputes_and_audits(world, mentor_with_an_undated_check) -> None:
    client = world.client_for("admin")
    response = client.post(_url(world), {"background": "24", "confirm": "1"})
    assert response.status_code == 302
    assert CheckRenewalPeriod.objects.get(service=world.home, kind="background").every_months == 24
    mentor_with_an_undated_check.refresh_from_db()
    assert mentor_with_an_undated_check.checks_valid_until == dt.date(2025, 1, 9)
    event = AuditEvent.objects.filter(action="mentor.renewals_configure").get()
    assert event.fields == ["check_renewal_periods.background"]
    # Emptying the field goes back to the default, and is audited too.
    client.post(_url(world), {"background": "", "confirm": "1"})
    assert not CheckRenewalPeriod.objects.filter(service=world.home).exists()
    assert AuditEvent.objects.filter(action="mentor.renewals_configure").count() == 2


def test_a_period_out_of_range_is_named_and_nothing_is_saved(world) -> None:
    response = world.client_for("admin").post(
        _url(world), {"background": "0", "reference": "12", "confirm": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and "Error:" in body
    assert "Enter at least 1 month for the police / background check." in body
    assert not CheckRenewalPeriod.objects.exists()


def test_another_services_manager_gets_404(world) -> None:
    world.people["outsider"].memberships.update(role="admin")
    assert world.client_for("outsider").get(_url(world)).status_code == 404
