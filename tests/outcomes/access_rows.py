"""Access matrix rows for the outcomes pages: questionnaires, links and RTW outcomes."""

from __future__ import annotations

from typing import Any

from tests.access import LOGIN, Row, expect
from tests.outcomes import factories
from tests.personas import World

CASE_PAGE = expect(404, anonymous=LOGIN, admin=200, therapist=200)
CASE_POST = expect(404, anonymous=LOGIN, admin=302, therapist=302)
# Aggregate RTW figures: the clinical team and analysts (no identifiers on the page).
REPORT = expect(404, anonymous=LOGIN, admin=200, therapist=200, analyst=200)


def _patient(world: World) -> Any:
    if "outcomes_patient" not in world.objects:
        record = factories.accepted_patient(world.home, user=world.people["patient"])
        world.objects["outcomes_patient"] = record
        world.objects["outcomes_response"] = factories.answered(
            record, "gad7", [1, 1, 1, 1, 1, 1, 1], world.people["therapist"]
        )
    return world.objects["outcomes_patient"]


def pid(world: World) -> dict[str, Any]:
    return {"patient_id": _patient(world).pk}


def due_id(world: World) -> dict[str, Any]:
    return {"due_id": factories.due(_patient(world), "phq9").pk}


def response_id(world: World) -> dict[str, Any]:
    _patient(world)
    return {"response_id": world.objects["outcomes_response"].pk}


def token(world: World) -> dict[str, Any]:
    from alongside.outcomes.services import questionnaire_link_issue

    if "outcomes_token" not in world.objects:
        world.objects["outcomes_token"] = questionnaire_link_issue(
            actor=world.people["therapist"], due=factories.due(_patient(world), "hope")
        )
    return {"token": world.objects["outcomes_token"]}


ROWS = {
    "outcomes:patient": Row(CASE_PAGE, kwargs=pid),
    "outcomes:enter": Row(CASE_PAGE, kwargs=due_id),
    "outcomes:correct": Row(CASE_PAGE, kwargs=response_id),
    "outcomes:link_issue": Row(CASE_POST, kwargs=due_id, method="post", fresh_world=True),
    # The patient's own questionnaires; everyone else has none (an empty list, or 404 for one).
    "outcomes:mine": Row(expect(200, anonymous=LOGIN)),
    "outcomes:own_answer": Row(expect(404, anonymous=LOGIN, patient=200), kwargs=due_id),
    "outcomes:service": Row(REPORT, kwargs=lambda world: {"slug": world.home.slug}),
    "outcomes:service_rtw_chart": Row(REPORT, kwargs=lambda world: {"slug": world.home.slug}),
    # Questionnaire settings: the service manager only.
    "outcomes:schedule": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    "outcomes:licence": Row(
        expect(404, anonymous=LOGIN, admin=200),
        kwargs=lambda world: {"slug": world.home.slug, "instrument_id": "wemwbs"},
    ),
    # The one-time link needs no sign-in: the unguessable token is the permission.
    "outcomes_link:link": Row(expect(200), kwargs=token),
    "outcomes_link:thanks": Row(expect(200)),
}
