"""Logging a contact: who may, what is checked, nothing half-saved."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.contacts import services
from alongside.contacts.models import Concern, Contact, ContactRevision
from alongside.core import NotFound
from alongside.matches.models import MatchStatus
from tests.contacts.factories import ContactFactory, active_match, home_active_match

pytestmark = pytest.mark.django_db


def _log(world, actor="mentor", **overrides):
    values = {
        "actor": world.people[actor],
        "match": home_active_match(world),
        "contact_at": timezone.now() - dt.timedelta(hours=2),
        "mode": "in_person_ward",
        "duration_minutes": 45,
        "topics": ["Returning to work", "Family"],
        "reflection": "Good chat.",
    }
    values.update(overrides)
    return services.contact_log(**values)


def test_mentor_logs_for_own_active_match(world) -> None:
    contact = _log(world)
    assert contact.logged_by == world.people["mentor"]
    assert contact.service == world.home and contact.topics == ["Returning to work", "Family"]
    event = AuditEvent.objects.get(action="contact.log")
    assert "reflection" in event.fields


def test_therapist_logs_for_a_mentor(world) -> None:
    assert _log(world, actor="therapist").logged_by == world.people["therapist"]


@pytest.mark.parametrize("persona", ["patient", "analyst", "outsider"])
def test_others_may_not_log(world, persona) -> None:
    with pytest.raises(NotFound):
        _log(world, actor=persona)


def test_mentor_may_not_log_for_someone_elses_match(world) -> None:
    other = active_match(world.home)
    with pytest.raises(NotFound):
        _log(world, match=other)


def test_mentor_may_not_log_once_the_match_ended(world) -> None:
    match = home_active_match(world)
    match.status = MatchStatus.ENDED
    match.end_reason = "goals_met"
    match.ended_at = timezone.now()
    match.save()
    with pytest.raises(NotFound):
        _log(world, match=match)


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"contact_at": timezone.now() + dt.timedelta(days=1)}, "contact_at", "future"),
        ({"contact_at": timezone.now() - dt.timedelta(days=60)}, "contact_at", "before the match"),
        ({"contact_at": None}, "contact_at", "Enter the date"),
        ({"duration_minutes": 0}, "duration_minutes", "between 1 minute and 12 hours"),
        ({"duration_minutes": 721}, "duration_minutes", "between 1 minute and 12 hours"),
        ({"duration_minutes": None}, "duration_minutes", "how long"),
        ({"mode": ""}, "mode", "how you were in touch"),
        ({"topics": ["Astrology"]}, "topics", "from the list"),
        (
            {"concern_kind": "risk_to_self", "concern_description": " "},
            "concern_description",
            "Describe the concern",
        ),
        ({"concern_kind": "nonsense", "concern_description": "x"}, "concern_kind", "kind"),
    ],
)
def test_bad_input_is_named_and_nothing_saved(world, overrides, field, words) -> None:
    with pytest.raises(ValidationError) as caught:
        _log(world, **overrides)
    assert words in " ".join(caught.value.message_dict[field])
    assert Contact.objects.count() == 0 and Concern.objects.count() == 0


def test_a_failing_concern_rolls_back_the_contact(world, monkeypatch) -> None:
    def broken(**kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr(services, "notify", broken)
    with pytest.raises(RuntimeError):
        _log(world, concern_kind="safeguarding", concern_description="Something at home.")
    assert Contact.objects.count() == 0 and Concern.objects.count() == 0


def test_edit_keeps_history(world) -> None:
    contact = _log(world)
    services.contact_edit(
        actor=world.people["mentor"],
        contact=contact,
        values={"duration_minutes": 60, "reflection": "Actually an hour."},
    )
    contact.refresh_from_db()
    assert contact.duration_minutes == 60
    revision = ContactRevision.objects.get(contact=contact)
    assert revision.fields == ["duration_minutes", "reflection"]
    assert revision.before == {"duration_minutes": 45, "reflection": "Good chat."}


def test_edit_is_validated_too(world) -> None:
    contact = _log(world)
    with pytest.raises(ValidationError):
        services.contact_edit(
            actor=world.people["mentor"], contact=contact, values={"duration_minutes": 0}
        )
    assert not ContactRevision.objects.exists()


def test_form_post_from_a_phone(world) -> None:
    match = home_active_match(world)
    client = world.client_for("mentor")
    today = timezone.localtime(timezone.now(), timezone=dt.UTC)
    response = client.post(
        reverse("contacts:log", args=[match.pk]),
        {
            "contact_date": (today - dt.timedelta(days=1)).date().isoformat(),
            "contact_time": "10:30",
            "mode": "phone",
            "duration_pick": "30",
            "topics": ["Emotions"],
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.duration_minutes == 30 and contact.topics == ["Emotions"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"duration_pick": ""}, "Choose or type how long"),
        ({"duration_other": "0"}, "at least 1 minute"),
        ({"duration_other": "800"}, "12 hours"),
        ({"contact_date": "2999-01-01"}, "cannot be in the future"),
        ({"mode": ""}, "This field is required"),
        ({"concern_kind": "boundary"}, "Describe the concern"),
        ({"concern_description": "Worried."}, "Choose what kind of concern"),
    ],
)
def test_form_errors_are_shown_not_saved(world, data, message) -> None:
    match = home_active_match(world)
    post = {
        "contact_date": timezone.localdate().isoformat(),
        "contact_time": "00:00",
        "mode": "phone",
        "duration_pick": "30",
    }
    post.update(data)
    response = world.client_for("mentor").post(reverse("contacts:log", args=[match.pk]), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Contact.objects.count() == 0


def test_patient_never_sees_reflections_or_concerns(world) -> None:
    match = home_active_match(world, persona_patient=True)
    assert match.patient.user == world.people["patient"]  # even their own pair's contacts
    contact = ContactFactory(match=match, reflection="Private words")
    Concern.objects.create(
        contact=contact, service=world.home, kind="boundary", description="Secret worry"
    )
    client = world.client_for("patient")
    for url in (
        reverse("contacts:match", args=[contact.match_id]),
        reverse("contacts:edit", args=[contact.pk]),
        reverse("contacts:concerns"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Private words" not in response.content and b"Secret worry" not in response.content
    home = client.get(reverse("accounts:home")).content
    assert b"Private words" not in home and b"Secret worry" not in home


def test_reflection_is_for_the_mentor_and_supervisor_only(world) -> None:
    contact = ContactFactory(match=home_active_match(world), reflection="Private words")
    url = reverse("contacts:match", args=[contact.match_id])
    assert b"Private words" in world.client_for("mentor").get(url).content
    assert b"Private words" in world.client_for("therapist").get(url).content  # supervisor
    assert b"Private words" not in world.client_for("admin").get(url).content


def test_history_page_query_count(world, django_assert_max_num_queries) -> None:
    match = home_active_match(world)
    for days in range(1, 25):
        ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=days))
    client = world.client_for("therapist")
    with django_assert_max_num_queries(25):
        response = client.get(reverse("contacts:match", args=[match.pk]))
    assert response.status_code == 200
    assert response.content.count(b'<th scope="row" data-label="When">') == 24
