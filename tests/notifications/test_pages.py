import pytest
from django.urls import reverse

from alongside.notifications.models import Notification, NotificationPreference
from alongside.notifications.services import notify

pytestmark = pytest.mark.django_db


def _make(user, n):
    return [
        notify(
            recipient=user, kind="test", event_key=str(i), subject=f"Note {i}", link="/contacts/"
        )
        for i in range(n)
    ]


def test_list_shows_only_my_notifications(world, django_assert_max_num_queries) -> None:
    _make(world.people["mentor"], 30)
    notify(recipient=world.people["therapist"], kind="test", event_key="x", subject="Not yours")
    client = world.client_for("mentor")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Note 29" in body and "Not yours" not in body
    assert "Notifications (30 unread)" in body  # the nav link carries the count


def test_open_marks_read_and_follows_the_link(world) -> None:
    (note,) = _make(world.people["mentor"], 1)
    client = world.client_for("mentor")
    response = client.post(reverse("notifications:read", args=[note.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/contacts/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_outside_link_is_not_followed(world) -> None:
    note = notify(
        recipient=world.people["mentor"],
        kind="t",
        event_key="e",
        subject="s",
        link="https://evil.example/",
    )
    response = world.client_for("mentor").post(
        reverse("notifications:read", args=[note.pk]), {"open": "1"}
    )
    assert response["Location"] == reverse("notifications:list")


def test_mark_all_read(world) -> None:
    _make(world.people["mentor"], 3)
    world.client_for("mentor").post(reverse("notifications:read_all"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_preferences_saved(world) -> None:
    client = world.client_for("mentor")
    response = client.post(
        reverse("notifications:preferences"),
        {
            "opt_out_non_essential": "on",
            "email_enabled": "on",
            "sms_enabled": "on",
            "phone": "+61 400 000 000",
            "quiet_hours_start": "21:00",
            "quiet_hours_end": "08:00",
            "time_zone": "Australia/Melbourne",
        },
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=world.people["mentor"])
    assert pref.opt_out_non_essential and pref.sms_enabled and pref.phone == "+61400000000"
    assert str(pref.quiet_hours_end) == "08:00:00"


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        ({"sms_enabled": "on", "phone": ""}, "Enter a mobile number"),
        # Issue 9, point 9: a number of the service's country that can take a text message.
        ({"sms_enabled": "on", "phone": "03 5550 1234"}, "not a mobile number"),
        ({"sms_enabled": "on", "phone": "0113 496 0000"}, "not a valid phone number"),
        ({"quiet_hours_start": "21:00"}, "Give both the start and the end"),
        ({"quiet_hours_start": "25:00"}, "Enter a valid time"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
    ],
)
def test_bad_preferences_are_explained_and_not_saved(world, data, field_message) -> None:
    response = world.client_for("mentor").post(reverse("notifications:preferences"), data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_times_are_the_services_own_and_say_their_zone(world) -> None:
    import datetime as dt
    import re

    (note,) = _make(world.people["mentor"], 1)
    Notification.objects.filter(pk=note.pk).update(
        created_at=dt.datetime(2026, 12, 4, 1, 56, tzinfo=dt.UTC)
    )
    body = world.client_for("mentor").get(reverse("notifications:list")).content.decode()
    # The home service is in Melbourne: 01:56 UTC is 12:56 there, in summer time.
    assert "4 Dec 2026, 12:56 AEDT" in body
    assert not re.search(r"\d{2}:\d{2}</time>", body)  # no unlabelled time
