"""Batch run: exact plan within places, all-or-nothing publish, the command."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.matches import services
from alongside.matches.models import Match, MatchStatus, ProposalSource
from alongside.mentors.models import Mentor
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db


def test_plan_matches_most_patients_within_places_and_writes_nothing(world) -> None:
    # A greedy "best mentor first" gives the SCI patient the closer SCI mentor who is
    # also the only one willing for TBI, leaving the TBI patient unmatched. Exact does not.
    wide = ready_mentor(world.home, capacity=1, willing_categories=["sci", "tbi"])
    narrow = ready_mentor(
        world.home, capacity=1, willing_categories=["sci"], sci_level="T10", asia_grade="A"
    )
    sci = waiting_patient(world.home)
    tbi = waiting_patient(world.home, injury_category="tbi", sci_level="", asia_grade="")
    plan = services.match_batch_plan(actor=world.people["therapist"], service=world.home)
    pairs = {pair.patient.pk: pair.mentor.pk for pair in plan.pairs}
    assert pairs == {tbi.pk: wide.pk, sci.pk: narrow.pk} and not plan.unmatched
    assert not Match.objects.exists()


def test_waiting_list_leaves_out_patients_with_an_open_match(world) -> None:
    busy = waiting_patient(world.home)
    MatchFactory(service=world.home, patient=busy, status=MatchStatus.PROPOSED)
    free = waiting_patient(world.home)
    assert services.waiting_patients(world.home) == [free]


def test_publish_is_all_or_nothing(world) -> None:
    mentor = ready_mentor(world.home, capacity=1)
    first, second = waiting_patient(world.home), waiting_patient(world.home)
    with pytest.raises(ValidationError) as error:
        services.match_batch_publish(
            actor=world.people["therapist"],
            service=world.home,
            pairs=[(first.pk, mentor.pk), (second.pk, mentor.pk)],
        )
    assert "No spare capacity" in str(error.value)
    assert not Match.objects.exists()
    assert Mentor.objects.get(pk=mentor.pk).mentee_count == 0


def test_publish_creates_batch_proposals(world) -> None:
    mentor = ready_mentor(world.home, capacity=2)
    patients = [waiting_patient(world.home) for _ in range(2)]
    created = services.match_batch_publish(
        actor=world.people["therapist"],
        service=world.home,
        pairs=[(p.pk, mentor.pk) for p in patients],
    )
    assert {m.source for m in created} == {ProposalSource.BATCH}
    assert Mentor.objects.get(pk=mentor.pk).mentee_count == 2


def test_outsider_cannot_publish_into_another_service(world) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        services.match_batch_publish(actor=world.people["outsider"], service=world.home, pairs=[])


def test_command_dry_run_json_then_publish(world, capsys) -> None:
    mentor = ready_mentor(world.home)
    patient = waiting_patient(world.home)
    call_command("match_batch", "--service", world.home.slug, "--dry-run", "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["proposals"][0]["patient"] == patient.pk
    assert out["proposals"][0]["mentor"] == mentor.pk
    assert 0 < out["proposals"][0]["score"] <= 1
    assert not Match.objects.exists()
    call_command("match_batch", "--service", world.home.slug)
    assert "1 of 1 waiting patients matched" in capsys.readouterr().out
    assert Match.objects.get().status == MatchStatus.PROPOSED


def test_command_unknown_service_is_one_line_error(db) -> None:
    with pytest.raises(CommandError, match="no service with the slug 'nope'"):
        call_command("match_batch", "--service", "nope")


def test_cli_exit_code_for_bad_slug(db, capsys) -> None:
    from alongside.config.cli import main

    assert main(["match", "batch", "--service", "nope"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "alongside: no service with the slug 'nope'"
