"""Crisis and hard moments (issue 12, point 7)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.contacts.escalation import crisis_escalation
from alongside.contacts.models import Concern
from alongside.notifications.models import Notification
from tests.contacts.factories import home_active_match, home_contact
from tests.mentors.factories import home_mentor

pytestmark = pytest.mark.django_db


def _log_with_concern(world, kind: str):
    match = home_active_match(world)
    return world.client_for("mentor").post(
        reverse("contacts:log", args=[match.pk]),
        {
            "contact_date": timezone.localdate().isoformat(),
            "contact_time": "00:00",
            "mode": "phone",
            "duration_pick": "20",
            "concern_kind": kind,
            "concern_description": "Said he could not see the point any more.",
        },
    )


def test_the_log_form_shows_the_services_crisis_numbers_before_saving(world) -> None:
    world.home.duty_phone = "03 9000 0000"
    world.home.save()
    match = home_active_match(world)
    body = world.client_for("mentor").get(reverse("contacts:log", args=[match.pk])).content
    text = body.decode()
    assert "000" in text and "Lifeline 13 11 14" in text
    assert "03 9000 0000" in text
    assert world.people["therapist"].display_name in text  # the supervisor
    assert 'value="risk_to_others"' in text


@pytest.mark.parametrize("kind", ["risk_to_self", "risk_to_others"])
def test_after_saving_a_risk_concern_the_numbers_show_again(world, kind: str) -> None:
    response = _log_with_concern(world, kind)
    assert response.status_code == 302
    assert response["Location"] == reverse("contacts:crisis", args=[home_active_match(world).pk])
    page = world.client_for("mentor").get(response["Location"]).content.decode()
    assert "Lifeline 13 11 14" in page and "tel:000" in page


def test_a_gb_service_defaults_to_999_and_samaritans_and_its_own_numbers_win(world) -> None:
    world.home.country = "GB"
    world.home.save()
    match = home_active_match(world)
    mentor = world.client_for("mentor")
    text = mentor.get(reverse("contacts:log", args=[match.pk])).content.decode()
    assert "999" in text and "Samaritans 116 123" in text
    world.home.crisis_line = "NHS 111, option 2"
    world.home.save()
    text = mentor.get(reverse("contacts:log", args=[match.pk])).content.decode()
    assert "NHS 111, option 2" in text and "Samaritans" not in text


def test_other_concerns_go_back_to_the_mentees_list(world) -> None:
    response = _log_with_concern(world, "health_change")
    assert response["Location"] == reverse("contacts:mine")


def test_staff_home_leads_with_an_unacknowledged_risk_concern(world) -> None:
    _log_with_concern(world, "risk_to_self")
    match = home_active_match(world)
    match.patient.phone = "+61400000000"
    match.patient.save()
    for persona in ("therapist", "admin"):
        body = world.client_for(persona).get(reverse("accounts:home")).content.decode()
        assert body.count("Urgent: someone may be at risk") == 1
        assert body.index("Urgent: someone may be at risk") < body.index("role-home")
        assert "tel:+61400000000" in body
        # The time is the service's, labelled.
        assert "AEDT" in body or "AEST" in body
    concern = Concern.objects.get(kind="risk_to_self")
    world.client_for("therapist").post(reverse("contacts:concern_acknowledge", args=[concern.pk]))
    body = world.client_for("therapist").get(reverse("accounts:home")).content.decode()
    assert "Urgent: someone may be at risk" not in body


def test_unacknowledged_risk_concern_escalates_to_managers_once(world) -> None:
    _log_with_concern(world, "risk_to_self")
    concern = Concern.objects.get(kind="risk_to_self")
    world.home.crisis_escalation_minutes = 30
    world.home.save()
    assert crisis_escalation(concern.raised_at + dt.timedelta(minutes=29)) == 0
    assert crisis_escalation(concern.raised_at + dt.timedelta(minutes=31)) == 1
    assert crisis_escalation(concern.raised_at + dt.timedelta(minutes=90)) == 0
    told = Notification.objects.get(kind="concern_escalated")
    assert told.recipient == world.people["admin"] and told.essential


def test_an_acknowledged_concern_does_not_escalate(world) -> None:
    _log_with_concern(world, "risk_to_others")
    concern = Concern.objects.get(kind="risk_to_others")
    world.client_for("therapist").post(reverse("contacts:concern_acknowledge", args=[concern.pk]))
    assert crisis_escalation(concern.raised_at + dt.timedelta(hours=3)) == 0


def test_a_low_check_in_answers_with_the_services_support(world) -> None:
    home_mentor(world)
    world.home.support_resources = "Employee Assistance Programme: 1300 000 000"
    world.home.save()
    mentor = world.client_for("mentor")
    response = mentor.post(
        reverse("mentors:checkin"),
        {"score": "1", "affecting_me": "yes", "wants_to_talk": "yes", "comment": ""},
    )
    assert response.status_code == 302
    assert reverse("mentors:checkin_support") in response["Location"]
    page = mentor.get(response["Location"]).content.decode()
    assert "Employee Assistance Programme: 1300 000 000" in page
    assert "Lifeline 13 11 14" in page
    assert world.people["therapist"].display_name in page


def test_concern_and_contact_pages_show_times_in_the_services_zone(world) -> None:
    """Melbourne: a contact at 21:58 UTC on 1 Dec is 08:58 AEDT on 2 Dec."""
    moment = dt.datetime(2026, 12, 1, 21, 58, tzinfo=dt.UTC)
    contact = home_contact(world)
    contact.contact_at = moment
    contact.save()
    concern = Concern.objects.create(
        contact=contact,
        service=contact.service,
        kind="health_change",
        description="Tired.",
        raised_by=world.people["mentor"],
    )
    Concern.objects.filter(pk=concern.pk).update(raised_at=moment)
    therapist = world.client_for("therapist")
    for url in (
        reverse("contacts:concern", args=[concern.pk]),
        reverse("contacts:concerns"),
        reverse("contacts:match", args=[contact.match_id]),
    ):
        text = therapist.get(url).content.decode()
        assert "2 Dec 2026, 08:58" in text, url
        assert "21:58" not in text and "1 Dec 2026" not in text, url
    assert (
        "2 Dec 2026, 08:58 AEDT"
        in therapist.get(reverse("contacts:concern", args=[concern.pk])).content.decode()
    )
    # The mentor's list agrees: "last on 2 Dec".
    text = world.client_for("mentor").get(reverse("contacts:mine")).content.decode()
    assert "last on 1 Dec" not in text
