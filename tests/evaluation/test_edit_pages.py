"""The lead's edit pages open filled in with the row as it stands."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.evaluation.factories import world_study

pytestmark = pytest.mark.django_db


def test_participant_and_interview_edit_pages_show_the_current_values(world) -> None:
    made = world_study(world)
    study, participant = made["study"], made["participant"]
    interview = made["transcript"].interview
    client = world.client_for("analyst")

    page = client.get(
        reverse("evaluation:participant_edit", args=[study.slug, participant.pk])
    ).context["form"]
    assert page.initial["label"] == participant.label
    assert page.initial["group"] == participant.group

    page = client.get(
        reverse("evaluation:interview_edit", args=[study.slug, interview.pk])
    ).context["form"]
    assert page.initial["held_on"] == interview.held_on
    assert page.initial["mode"] == interview.mode
    assert page.initial["guide"] == interview.guide_id
