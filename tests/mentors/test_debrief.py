"""Debriefs in supervision: a mentor-distress concern or a check-in asking to talk opens
a debrief request; the supervisor sees it and books it; logging a debrief session closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from alongside.audit.models import AuditEvent
from alongside.contacts.models import Concern
from alongside.mentors import services
from alongside.mentors.models import DebriefRequest, SupervisionSession, WellbeingCheckIn
from tests.contacts.factories import home_active_match
from tests.mentors.factories import MentorFactory, home_mentor

pytestmark = pytest.mark.django_db

DESCRIPTION = "This brought back a lot about my own accident."


def _raise_distress(world):
    match = home_active_match(world)
    response = world.client_for("mentor").post(
        reverse("contacts:log", args=[match.pk]),
        {
            "contact_date": timezone.localdate().isoformat(),
            "contact_time": "00:00",
            "mode": "phone",
            "duration_pick": "20",
            "concern_kind": "mentor_distress",
            "concern_description": DESCRIPTION,
        },
    )
    assert response.status_code == 302
    return match.mentor


def _log_session(world, mentor, kind: str):
    return world.client_for("therapist").post(
        reverse("mentors:supervision_log", args=[mentor.pk]),
        {"held_on": timezone.localdate().isoformat(), "kind": kind, "topics": "Talked it through"},
    )


def test_distress_concern_opens_one_debrief_seen_by_supervisor_and_mentor(world) -> None:
    mentor = _raise_distress(world)
    concern = Concern.objects.get()
    debrief = DebriefRequest.objects.get()
    assert (debrief.mentor, debrief.source, debrief.source_id) == (mentor, "concern", concern.pk)
    assert debrief.closed_at is None and debrief.booked_on is None
    assert AuditEvent.objects.filter(action="mentor.debrief_open").count() == 1

    therapist = world.client_for("therapist")
    page = therapist.get(reverse("mentors:detail", args=[mentor.pk])).content.decode()
    assert "Debrief to arrange" in page and "Upset by a mentoring contact" in page
    assert reverse("contacts:concern", args=[concern.pk]) in page
    assert reverse("mentors:debrief_book", args=[debrief.pk]) in page
    home = therapist.get(reverse("accounts:home")).content.decode()
    assert "Debriefs to arrange" in home and mentor.full_name in home

    mine = world.client_for("mentor").get(reverse("mentors:mine")).content.decode()
    assert "Your supervisor will contact you to talk it through" in mine
    assert "Upset by" not in mine and DESCRIPTION not in mine  # no reason, no clinical detail


def test_opening_is_idempotent_per_source(world) -> None:
    mentor = home_mentor(world)
    kwargs = {"mentor": mentor, "reason": "Upset.", "source": "concern", "source_id": 41}
    first = services.debrief_request_open(actor=world.people["mentor"], **kwargs)
    again = services.debrief_request_open(actor=world.people["therapist"], **kwargs)
    assert first.pk == again.pk and DebriefRequest.objects.count() == 1
    other = services.debrief_request_open(
        actor=world.people["mentor"], **{**kwargs, "source_id": 42}
    )
    assert other.pk != first.pk


@pytest.mark.parametrize("persona", ["patient", "analyst", "outsider"])
def test_only_the_mentor_or_their_team_open_a_debrief(world, persona) -> None:
    with pytest.raises(Http404):
        services.debrief_request_open(
            actor=world.people[persona],
            mentor=home_mentor(world),
            reason="Upset.",
            source="concern",
            source_id=1,
        )
    assert not DebriefRequest.objects.exists()


def test_opening_names_the_bad_field(world) -> None:
    with pytest.raises(ValidationError) as caught:
        services.debrief_request_open(
            actor=world.people["therapist"],
            mentor=home_mentor(world),
            reason="  ",
            source="concern",
            source_id=1,
        )
    assert "reason" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.debrief_request_open(
            actor=world.people["therapist"],
            mentor=home_mentor(world),
            reason="Upset.",
            source="gossip",
            source_id=1,
        )
    assert "source" in caught.value.message_dict


def test_logging_a_debrief_session_closes_the_request(world) -> None:
    mentor = _raise_distress(world)
    assert _log_session(world, mentor, "one_to_one").status_code == 302
    assert DebriefRequest.objects.get().closed_at is None  # an ordinary session does not

    assert _log_session(world, mentor, "debrief").status_code == 302
    debrief = DebriefRequest.objects.get()
    session = SupervisionSession.objects.get(kind="debrief")
    assert debrief.closed_at is not None and debrief.closed_by_session == session
    event = AuditEvent.objects.filter(action="mentor.supervision_log").order_by("-pk").first()
    assert "debrief_requests.closed_at" in event.fields

    therapist = world.client_for("therapist")
    assert "Debriefs to arrange" not in therapist.get(reverse("accounts:home")).content.decode()
    page = therapist.get(reverse("mentors:detail", args=[mentor.pk])).content.decode()
    assert "Debrief to arrange" not in page
    mine = world.client_for("mentor").get(reverse("mentors:mine")).content.decode()
    assert "talk it through" not in mine


def test_a_debrief_session_for_another_mentor_leaves_the_request_open(world) -> None:
    _raise_distress(world)
    other = MentorFactory(service=world.home, status="active", supervisor=world.people["therapist"])
    assert _log_session(world, other, "debrief").status_code == 302
    assert DebriefRequest.objects.get().closed_at is None


def test_supervisor_books_the_debrief_and_the_mentor_sees_the_date(world, frozen) -> None:
    _raise_distress(world)
    debrief = DebriefRequest.objects.get()
    url = reverse("mentors:debrief_book", args=[debrief.pk])
    client = world.client_for("therapist")

    assert client.post(url, {"booked_on": "2025-06-14"}).status_code == 302  # in the past
    assert client.post(url, {"booked_on": "not a date"}).status_code == 302
    debrief.refresh_from_db()
    assert debrief.booked_on is None

    assert client.post(url, {"booked_on": "2025-06-18"}).status_code == 302
    debrief.refresh_from_db()
    assert debrief.booked_on == dt.date(2025, 6, 18)
    assert "Booked for 18 Jun 2025" in client.get(reverse("accounts:home")).content.decode()
    mine = world.client_for("mentor").get(reverse("mentors:mine")).content.decode()
    assert "Wednesday 18 June 2025" in mine


def test_a_held_debrief_cannot_be_booked(world, frozen) -> None:
    mentor = _raise_distress(world)
    _log_session(world, mentor, "debrief")
    debrief = DebriefRequest.objects.select_related("mentor").get()
    with pytest.raises(ValidationError) as caught:
        services.debrief_request_book(
            actor=world.people["therapist"], debrief=debrief, booked_on=dt.date(2025, 6, 20)
        )
    assert "booked_on" in caught.value.message_dict


def test_mentor_colleague_and_other_service_cannot_book(world, frozen) -> None:
    _raise_distress(world)
    debrief = DebriefRequest.objects.get()
    url = reverse("mentors:debrief_book", args=[debrief.pk])
    colleague = world.client_for("colleague")
    for client in (world.client_for("mentor"), world.client_for("outsider"), colleague):
        assert client.post(url, {"booked_on": "2025-06-20"}).status_code == 404
    debrief.refresh_from_db()
    assert debrief.booked_on is None
    # The colleague sees the mentor, but not their well-being or debriefs.
    page = colleague.get(reverse("mentors:detail", args=[debrief.mentor_id])).content.decode()
    assert "Debrief to arrange" not in page


def test_check_in_asking_to_talk_opens_a_debrief_and_acknowledging_books_it(world, frozen) -> None:
    home_mentor(world)
    mentor_client = world.client_for("mentor")
    answers = {"score": "4", "affecting_me": "no", "wants_to_talk": "no", "comment": ""}
    mentor_client.post(reverse("mentors:checkin"), answers)
    assert not DebriefRequest.objects.exists()  # a good check-in asks for nothing
    mentor_client.post(reverse("mentors:checkin"), {**answers, "wants_to_talk": "yes"})
    checkin = WellbeingCheckIn.objects.get(wants_to_talk=True)
    debrief = DebriefRequest.objects.get()
    assert (debrief.source, debrief.source_id) == ("checkin", checkin.pk)

    world.client_for("therapist").post(
        reverse("mentors:checkin_acknowledge", args=[checkin.pk]), {"debrief_on": "2025-06-19"}
    )
    debrief.refresh_from_db()
    assert debrief.booked_on == dt.date(2025, 6, 19)


def test_without_a_supervisor_the_managers_arrange_it(world) -> None:
    mentor = home_mentor(world)
    mentor.supervisor = None
    mentor.save()
    services.debrief_request_open(
        actor=world.people["mentor"], mentor=mentor, reason="Upset.", source="concern", source_id=7
    )
    from alongside.mentors.selectors import debriefs_to_arrange_for

    assert [d.mentor for d in debriefs_to_arrange_for(world.people["admin"])] == [mentor]
    assert debriefs_to_arrange_for(world.people["therapist"]) == []
    assert debriefs_to_arrange_for(world.people["outsider"]) == []


def test_home_panel_lists_debriefs_without_n_plus_1(world) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    therapist = world.people["therapist"]
    client = world.client_for("therapist")

    def add(n: int) -> None:
        mentor = MentorFactory(service=world.home, status="active", supervisor=therapist)
        DebriefRequest.objects.create(mentor=mentor, source="concern", source_id=n, reason="Upset.")

    add(0)
    client.get(reverse("accounts:home"))  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("accounts:home"))
    for n in range(1, 12):
        add(n)
    with CaptureQueriesContext(connection) as twelve:
        page = client.get(reverse("accounts:home")).content.decode()
    assert page.count("Upset.") == 12
    assert len(twelve) == len(one)  # the same queries for 1 or 12 debriefs


def test_demo_has_open_debriefs_and_loads_them_once() -> None:
    from alongside.demo.builder import demo_load

    demo_load(log=lambda line: None)
    sources = set(
        DebriefRequest.objects.filter(closed_at__isnull=True).values_list("source", flat=True)
    )
    count = DebriefRequest.objects.count()
    demo_load(log=lambda line: None)
    assert sources == {"concern", "checkin"} and DebriefRequest.objects.count() == count
    distress = Concern.objects.filter(kind="mentor_distress", status="open")
    assert distress.exists()
    assert all(
        DebriefRequest.objects.filter(source="concern", source_id=c.pk).exists() for c in distress
    )
