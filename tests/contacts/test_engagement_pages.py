import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from alongside.contacts import selectors, services
from alongside.contacts.models import EngagementSettings
from tests.access import READ_AUDIT_QUERIES
from tests.contacts.factories import ContactFactory, active_match, home_active_match
from tests.matches.factories import waiting_patient

pytestmark = pytest.mark.django_db


def test_engagement_for_matches_in_two_queries(world, django_assert_num_queries) -> None:
    matches = [active_match(world.home, days_ago=40) for _ in range(12)]
    for i, match in enumerate(matches):
        for days in range(i % 4):
            ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=days * 9 + 1))
    with django_assert_num_queries(2):
        result = selectors.engagement_for_matches(matches)
    states = {e.state.value for e in result.values()}
    assert states == {"not_started", "on_track"}
    assert result[matches[0].pk].first_contact_overdue


def test_pairs_page_shows_badges_without_n_plus_one(world, django_assert_max_num_queries) -> None:
    for _ in range(15):
        ContactFactory(
            match=active_match(world.home, days_ago=60),
            contact_at=timezone.now() - dt.timedelta(days=30),
        )
    client = world.client_for("therapist")
    # 15 = the page's count (paging), the thresholds for the SQL-derived state and the
    # page's mentors' pairs for their summary: constant, not per row.
    with django_assert_max_num_queries(15 + READ_AUDIT_QUERIES):
        response = client.get(reverse("contacts:pairs"))
    assert response.content.decode().count("engagement-quiet") == 15


def test_mentor_page_lists_own_pairs_with_badge(world) -> None:
    match = home_active_match(world)
    ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=15))
    active_match(world.home)  # someone else's pair
    body = world.client_for("mentor").get(reverse("contacts:mine")).content.decode()
    assert "Needs check-in" in body
    assert body.count("Log a contact with") == 1
    assert match.patient.given_name in body and str(match.patient) not in body


def test_therapist_home_lists_quiet_pairs(world) -> None:
    match = home_active_match(world)
    ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=25))
    body = world.client_for("therapist").get(reverse("accounts:home")).content.decode()
    assert reverse("contacts:match", args=[match.pk]) in body and "Quiet" in body


def test_settings_saved_and_validated(world) -> None:
    admin = world.people["admin"]
    services.engagement_settings_save(
        actor=admin,
        service=world.home,
        first_contact_days=5,
        check_in_after_days=10,
        quiet_after_days=20,
        topics=["Work", "Family", "Work", " "],
    )
    saved = EngagementSettings.objects.get(service=world.home)
    assert saved.topics == ["Work", "Family"] and saved.quiet_after_days == 20
    with pytest.raises(ValidationError) as caught:
        services.engagement_settings_save(
            actor=admin,
            service=world.home,
            first_contact_days=5,
            check_in_after_days=30,
            quiet_after_days=20,
            topics=[],
        )
    assert {"check_in_after_days", "topics"} <= set(caught.value.message_dict)
    response = world.client_for("admin").post(
        reverse("contacts:settings", args=[world.home.pk]),
        {
            "first_contact_days": "0",
            "check_in_after_days": "5",
            "quiet_after_days": "9",
            "topics": "A",
        },
    )
    assert response.status_code == 400


def test_topics_follow_the_service_list(world) -> None:
    EngagementSettings.objects.create(service=world.home, topics=["Cricket"])
    match = home_active_match(world)
    body = world.client_for("mentor").get(reverse("contacts:log", args=[match.pk])).content
    assert b"Cricket" in body and b"Benefits and money" not in body


def test_pairs_page_sums_up_per_mentor(world) -> None:
    match = home_active_match(world)
    ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=2))
    body = world.client_for("therapist").get(reverse("contacts:pairs")).content.decode()
    assert "By mentor" in body and match.mentor.full_name in body


def test_home_panel_says_how_many_more_pairs_need_attention(world) -> None:
    """The panel lists the first pairs needing attention and links to the rest; it never
    stops silently (it once judged at most 1,000 pairs in Python)."""
    from alongside.contacts import pair_states

    quiet = []
    therapist = world.people["therapist"]
    for _ in range(23):
        patient = waiting_patient(world.home, allocated_therapist=therapist)
        match = active_match(world.home, patient=patient)
        ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=25))
        quiet.append(match)
    rows, total = pair_states.needing_attention_for(world.people["therapist"])
    assert len(rows) == 20 and total >= 23
    assert all(r.engagement and r.engagement.needs_attention for r in rows)
    body = world.client_for("therapist").get(reverse("accounts:home")).content.decode()
    assert f"{total - 20} more pairs needing attention" in body
    listed = world.client_for("therapist").get(
        reverse("contacts:pairs"), {"mine": "1", "attention": "1"}
    )
    assert listed.status_code == 200
    page_ids = {row.match.pk for row in listed.context["rows"]}
    assert listed.context["page"].paginator.count == total
    assert all(r.engagement and r.engagement.needs_attention for r in listed.context["rows"])
    assert len(page_ids) == min(total, 50)


def test_a_monthly_rate_is_only_given_once_a_match_is_a_month_old(world) -> None:
    from alongside.matches.models import Match

    match = home_active_match(world)
    ContactFactory(match=match)
    client = world.client_for("mentor")
    url = reverse("contacts:match", args=[match.pk])
    assert "a month)" in client.get(url).content.decode()  # started 30 days ago

    # Six days in, "2 contacts (2.0 a month)" said more than two contacts can.
    Match.objects.filter(pk=match.pk).update(started_at=timezone.now() - dt.timedelta(days=6))
    body = client.get(url).content.decode()
    assert "<dt>Contacts</dt><dd>1</dd>" in body and "a month)" not in body
