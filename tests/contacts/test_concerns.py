"""Concerns reach the supervising therapist at once, and are acknowledged and closed."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.contacts import services
from alongside.contacts.models import Concern, ConcernStatus
from alongside.core import NotFound
from alongside.notifications.models import Notification
from tests.access import READ_AUDIT_QUERIES
from tests.contacts.factories import ContactFactory, home_active_match, home_concern

pytestmark = pytest.mark.django_db


def _post_contact_with_concern(world, kind="risk_to_self"):
    match = home_active_match(world)
    return world.client_for("mentor").post(
        reverse("contacts:log", args=[match.pk]),
        {
            "contact_date": timezone.localdate().isoformat(),
            "contact_time": "00:00",
            "mode": "in_person_ward",
            "duration_pick": "20",
            "concern_kind": kind,
            "concern_description": "Said he could not see the point any more.",
        },
    )


def test_concern_reaches_the_supervisor_at_once_and_one_email_when_the_worker_runs(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_contact_with_concern(world)
    assert response.status_code == 302
    concern = Concern.objects.get()
    # The home page shows it now, before any background task has run.
    home = world.client_for("therapist").get(reverse("accounts:home")).content.decode()
    assert reverse("contacts:concern", args=[concern.pk]) in home
    assert "Risk to self" in home
    assert mail.outbox == []
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.people["therapist"].email]
    assert "could not see the point" not in message.body  # no clinical detail in e-mail
    assert reverse("contacts:concern", args=[concern.pk]) in message.body
    assert list(concern.notified.all()) == [world.people["therapist"]]


def test_other_therapists_and_the_patient_are_not_told(world) -> None:
    _post_contact_with_concern(world)
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        world.people["therapist"].email
    }
    assert b"Risk to self" not in world.client_for("outsider").get(reverse("accounts:home")).content


def test_without_a_supervisor_the_patients_therapist_hears(world) -> None:
    match = home_active_match(world)
    match.mentor.supervisor = None
    match.mentor.save()
    match.patient.allocated_therapist = world.colleague
    match.patient.save()
    contact = ContactFactory(match=match)
    concern = services.concern_raise(
        actor=world.people["mentor"],
        contact=contact,
        kind="boundary",
        description="Asked for money.",
    )
    assert list(concern.notified.all()) == [world.colleague]


def test_without_anyone_the_managers_hear(world) -> None:
    match = home_active_match(world)
    match.mentor.supervisor = None
    match.mentor.save()
    concern = services.concern_raise(
        actor=world.people["mentor"],
        contact=ContactFactory(match=match),
        kind="boundary",
        description="Asked for money.",
    )
    assert list(concern.notified.all()) == [world.people["admin"]]


def test_mentor_distress_asks_for_a_debrief(world) -> None:
    _post_contact_with_concern(world, kind="mentor_distress")
    concern = Concern.objects.get()
    assert concern.debrief_needed
    assert "debrief" in Notification.objects.get().body


def test_mentor_distress_opens_exactly_one_debrief_in_supervision(world) -> None:
    from alongside.mentors.models import DebriefRequest

    _post_contact_with_concern(world, kind="mentor_distress")
    concern = Concern.objects.get()
    debrief = DebriefRequest.objects.get()
    assert (debrief.source, debrief.source_id, debrief.mentor) == (
        "concern",
        concern.pk,
        concern.contact.match.mentor,
    )
    assert debrief.closed_at is None


def test_other_concerns_open_no_debrief(world) -> None:
    from alongside.mentors.models import DebriefRequest

    _post_contact_with_concern(world, kind="risk_to_self")
    assert not DebriefRequest.objects.exists()


def test_acknowledging_with_a_date_books_the_debrief_in_supervision(world) -> None:
    from alongside.mentors.models import DebriefRequest

    _post_contact_with_concern(world, kind="mentor_distress")
    concern = Concern.objects.get()
    on = timezone.localdate() + dt.timedelta(days=3)
    response = world.client_for("therapist").post(
        reverse("contacts:concern_acknowledge", args=[concern.pk]),
        {"debrief_on": on.isoformat()},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.debrief_on == on
    assert DebriefRequest.objects.get().booked_on == on


def test_a_failed_debrief_leaves_no_concern_half_saved(world, monkeypatch) -> None:
    from alongside.contacts import services as contact_services

    def broken(**kwargs):
        raise RuntimeError("mentors app down")

    monkeypatch.setattr(contact_services, "debrief_request_open", broken)
    with pytest.raises(RuntimeError):
        services.concern_raise(
            actor=world.people["mentor"],
            contact=ContactFactory(match=home_active_match(world)),
            kind="mentor_distress",
            description="Upset.",
        )
    assert not Concern.objects.exists() and not Notification.objects.exists()


def test_acknowledge_then_close(world) -> None:
    concern = home_concern(world)
    therapist = world.people["therapist"]
    services.concern_acknowledge(
        actor=therapist, concern=concern, debrief_on=timezone.localdate() + dt.timedelta(days=2)
    )
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.ACKNOWLEDGED and concern.acknowledged_by == therapist
    with pytest.raises(ValidationError):
        services.concern_acknowledge(actor=therapist, concern=concern)
    with pytest.raises(ValidationError, match="what was done"):
        services.concern_close(actor=therapist, concern=concern, action_taken="  ")
    services.concern_close(actor=therapist, concern=concern, action_taken="Phoned; GP informed.")
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.CLOSED and concern.closed_at is not None
    with pytest.raises(ValidationError):
        services.concern_close(actor=therapist, concern=concern, action_taken="again")


def test_debrief_cannot_be_booked_in_the_past(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.concern_acknowledge(
            actor=world.people["therapist"],
            concern=home_concern(world),
            debrief_on=timezone.localdate() - dt.timedelta(days=1),
        )
    assert "debrief_on" in caught.value.message_dict


@pytest.mark.parametrize("persona", ["mentor", "patient", "analyst", "outsider"])
def test_only_the_clinical_team_acknowledges(world, persona) -> None:
    with pytest.raises(NotFound):
        services.concern_acknowledge(actor=world.people[persona], concern=home_concern(world))


def test_inbox_lists_open_first(world, django_assert_max_num_queries) -> None:
    contact = ContactFactory(match=home_active_match(world))
    closed = Concern.objects.create(
        contact=contact,
        service=world.home,
        kind="boundary",
        description="a",
        status="closed",
        action_taken="done",
    )
    open_ = [
        Concern.objects.create(
            contact=contact, service=world.home, kind="safeguarding", description="b"
        )
        for _ in range(15)
    ]
    client = world.client_for("therapist")
    with django_assert_max_num_queries(12 + READ_AUDIT_QUERIES):
        response = client.get(reverse("contacts:concerns"))
    body = response.content.decode()
    first_open = body.index(reverse("contacts:concern", args=[open_[0].pk]))
    assert first_open < body.index(reverse("contacts:concern", args=[closed.pk]))


def test_concern_page_close_form_errors(world) -> None:
    concern = home_concern(world)
    response = world.client_for("therapist").post(
        reverse("contacts:concern_close", args=[concern.pk]), {"action_taken": ""}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    concern.refresh_from_db()
    assert concern.status == ConcernStatus.OPEN
