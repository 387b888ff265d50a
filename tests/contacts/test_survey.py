import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.contacts import services
from alongside.contacts.models import SurveyResponse
from tests.contacts.factories import home_active_match, home_ended_match

pytestmark = pytest.mark.django_db


def test_patient_and_mentor_each_answer_once(world) -> None:
    match = home_ended_match(world)
    for persona in ("patient", "mentor"):
        response = world.client_for(persona).post(
            reverse("contacts:survey", args=[match.pk]),
            {"usefulness": "4", "would_recommend": "yes", "what_helped": "Seeing him at work."},
        )
        assert response.status_code == 200 and b"Thank you" in response.content
    assert sorted(SurveyResponse.objects.values_list("role", flat=True)) == ["mentor", "patient"]
    with pytest.raises(ValidationError):
        services.survey_submit(
            actor=world.people["patient"], match=match, usefulness=3, would_recommend=False
        )


def test_missing_answers_are_named(world) -> None:
    match = home_ended_match(world)
    response = world.client_for("patient").post(reverse("contacts:survey", args=[match.pk]), {})
    assert response.status_code == 400
    assert not SurveyResponse.objects.exists()


def test_no_survey_while_the_match_is_active(world) -> None:
    match = home_active_match(world)
    assert (
        world.client_for("mentor").get(reverse("contacts:survey", args=[match.pk])).status_code
        == 404
    )
