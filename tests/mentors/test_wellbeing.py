"""Well-being check-ins: alerts reach the supervisor at once; the history stays private."""

from __future__ import annotations

import pytest
from django.core import mail

from alongside.mentors.models import WellbeingCheckIn
from tests.mentors.factories import home_mentor


def _submit(world, score: str, talk: str = "no"):
    home_mentor(world)
    return world.client_for("mentor").post(
        "/mentors/me/check-in/",
        {
            "score": score,
            "affecting_me": "yes",
            "wants_to_talk": talk,
            "comment": "Hard week",
        },
    )


def test_a_low_score_reaches_the_supervisor_home_page_and_email(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(world, "2")
    assert response.status_code == 302
    checkin = WellbeingCheckIn.objects.get()
    assert checkin.flagged

    home = world.client_for("therapist").get("/").content.decode()
    assert (
        "Well-being alerts" in home and "Mia Home" in home and "rated mentoring 2 out of 5" in home
    )

    assert mail.outbox == []  # nothing is sent in the request
    run_worker()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["therapist@test.example"]
    assert "Hard week" not in mail.outbox[0].body  # the e-mail carries no well-being detail
    run_worker()
    assert len(mail.outbox) == 1  # exactly one, not re-sent


def test_wanting_to_talk_flags_even_a_good_score(world, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _submit(world, "5", talk="yes")
    assert WellbeingCheckIn.objects.get().flagged
    assert len(callbacks) == 1


def test_a_good_check_in_alerts_nobody(world, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _submit(world, "4")
    assert not WellbeingCheckIn.objects.get().flagged
    assert callbacks == []
    assert "Well-being alerts" not in world.client_for("therapist").get("/").content.decode()


def test_acknowledging_clears_the_alert_and_books_a_debrief(world, frozen) -> None:
    _submit(world, "1")
    checkin = WellbeingCheckIn.objects.get()
    client = world.client_for("therapist")
    response = client.post(f"/mentors/check-ins/{checkin.pk}/seen/", {"debrief_on": "2025-06-20"})
    assert response.status_code == 302
    checkin.refresh_from_db()
    assert checkin.acknowledged_at and str(checkin.debrief_on) == "2025-06-20"
    assert "Well-being alerts" not in client.get("/").content.decode()


def test_only_the_mentor_their_supervisor_and_the_manager_see_check_ins(world) -> None:
    _submit(world, "4")
    mentor = home_mentor(world)
    visible = {
        persona: WellbeingCheckIn.objects.visible_to(world.people[persona]).exists()
        for persona in ("admin", "therapist", "mentor", "patient", "analyst", "outsider")
    }
    assert visible == {
        "admin": True,
        "therapist": True,
        "mentor": True,
        "patient": False,
        "analyst": False,
        "outsider": False,
    }
    assert not WellbeingCheckIn.objects.visible_to(world.colleague).exists()

    page = world.client_for("colleague").get(f"/mentors/{mentor.pk}/").content.decode()
    assert "Well-being check-ins" not in page  # a colleague sees the mentor, not their well-being
    assert (
        "Well-being check-ins"
        in world.client_for("therapist").get(f"/mentors/{mentor.pk}/").content.decode()
    )


@pytest.mark.parametrize("score", ["0", "6", "many"])
def test_check_in_score_must_be_1_to_5(world, score: str) -> None:
    assert _submit(world, score).status_code == 400
    assert not WellbeingCheckIn.objects.exists()


def test_without_a_supervisor_the_active_managers_hear_and_a_deactivated_one_does_not(
    world, django_capture_on_commit_callbacks, run_worker
) -> None:
    from alongside.accounts.models import Role
    from tests.factories import MembershipFactory, UserFactory

    mentor = home_mentor(world)
    mentor.supervisor = None
    mentor.save(update_fields=["supervisor"])
    gone = UserFactory(email="gone@test.example", is_active=False)
    MembershipFactory(user=gone, service=world.home, role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        _submit(world, "1")
    run_worker()
    # The one rule for every alert: accounts.selectors.supervisor_or_managers.
    assert sorted(to for message in mail.outbox for to in message.to) == ["admin@test.example"]
