"""Home pages say the same as the detail pages: the same mentor, mentees and pending items.

Issue 12, point 1: the matching panels once read their data under names the home
page never set, so the mentor's home said "You have no mentees" above her mentees.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.accounts.home import PANELS
from alongside.matches.models import MatchStatus
from tests.matches.factories import MatchFactory, home_match, ready_mentor, waiting_patient
from tests.mentors.factories import home_mentor

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_patient_home_names_the_mentor_my_mentor_names(world) -> None:
    match = home_match(world, MatchStatus.ACTIVE)
    client = world.client_for("patient")
    home = _text(client.get(reverse("accounts:home")))
    detail = _text(client.get(reverse("matches:mine")))
    assert match.mentor.first_name in detail
    assert match.mentor.first_name in home
    assert "You do not have a peer mentor yet" not in home


def test_patient_home_says_no_mentor_only_when_there_is_none(world) -> None:
    home = _text(world.client_for("patient").get(reverse("accounts:home")))
    assert "You do not have a peer mentor yet" in home


def test_mentor_home_names_the_mentees_my_mentees_names(world) -> None:
    mentor = home_mentor(world)
    home_match(world, MatchStatus.ACTIVE)
    other = waiting_patient(world.home, given_name="Quinn")
    MatchFactory(
        service=world.home, patient=other, mentor=mentor, status=MatchStatus.PATIENT_AGREED
    )
    client = world.client_for("mentor")
    home = _text(client.get(reverse("accounts:home")))
    detail = _text(client.get(reverse("matches:mentees")))
    for name in ("Pia", "Quinn"):
        assert name in detail
        assert name in home
    assert "You have no mentees" not in home
    assert "Quinn — waiting for your answer" in home


def test_mentor_tells_apart_two_mentees_with_the_same_first_name(world) -> None:
    mentor = home_mentor(world)
    mentor.capacity = 3
    mentor.save()
    now = timezone.now()
    for days in (10, 80):
        patient = waiting_patient(world.home, given_name="Sam")
        MatchFactory(
            service=world.home,
            patient=patient,
            mentor=mentor,
            status=MatchStatus.ACTIVE,
            started_at=now - dt.timedelta(days=days),
            proposed_at=now - dt.timedelta(days=days),
        )
    client = world.client_for("mentor")
    for url in (reverse("accounts:home"), reverse("matches:mentees"), reverse("contacts:mine")):
        labels = re.findall(r"Sam \(matched [A-Z][a-z]+ \d{4}\)", _text(client.get(url)))
        assert len(set(labels)) == 2, url


def test_ended_match_carries_no_engagement_badge(world) -> None:
    mentor = home_mentor(world)
    patient = waiting_patient(world.home, given_name="Ended")
    now = timezone.now()
    MatchFactory(
        service=world.home,
        patient=patient,
        mentor=mentor,
        status=MatchStatus.ENDED,
        started_at=now - dt.timedelta(days=90),
        ended_at=now - dt.timedelta(days=5),
        end_reason="goals_met",
    )
    client = world.client_for("mentor")
    for url in (reverse("accounts:home"), reverse("contacts:mine")):
        body = client.get(url).content.decode()
        assert "Ended" in body
        assert "engagement-" not in body, url
        assert "Not started" not in body, url


def test_staff_home_lists_the_matches_to_act_on_that_the_match_list_has(world) -> None:
    mentor = ready_mentor(world.home, first_name="Accepting")
    patient = waiting_patient(world.home, given_name="Introduce", family_name="Me")
    accepted = MatchFactory(
        service=world.home, patient=patient, mentor=mentor, status=MatchStatus.MENTOR_ACCEPTED
    )
    flagged = MatchFactory(
        service=world.home,
        status=MatchStatus.ACTIVE,
        needs_review=True,
        review_reason="Mentor paused: holiday",
    )
    client = world.client_for("therapist")
    home = client.get(reverse("accounts:home")).content.decode()
    listed = client.get(reverse("matches:list") + "?status=mentor_accepted").content.decode()
    assert "Matches to act on" in home
    assert reverse("matches:detail", args=[accepted.pk]) in listed
    assert reverse("matches:detail", args=[accepted.pk]) in home
    assert reverse("matches:detail", args=[flagged.pk]) in home
    assert "Mentor paused: holiday" in home


def test_every_panel_template_reads_its_data_through_panel(world) -> None:
    """The cause of the bug: a panel template naming a context key bare is empty."""
    from django.template.loader import get_template
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = world.people["therapist"]
    for panel in PANELS:
        source = get_template(panel.template).template.source
        tags = " ".join(re.findall(r"\{[{%].*?[%}]\}", source))
        keys = panel.context(request).keys()
        assert "panel" not in keys, (
            f"{panel.template}: its context returns 'panel', but the template's panel is "
            "that context itself (read panel.X, return X)"
        )
        for key in keys:
            bare = re.search(r"(?<![\w.:'\"])" + re.escape(key) + r"\b", tags)
            assert bare is None, f"{panel.template} names {key!r} without 'panel.'"
