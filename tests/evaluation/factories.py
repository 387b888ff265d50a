"""Evaluation test data: a study the analyst leads, with a participant, an interview,
a transcript, two codes and a coded span — made through the services, as in use."""

from __future__ import annotations

from typing import Any

from alongside.evaluation import services
from alongside.evaluation.models import Group

TEXT = (
    "Interviewer: How did the peer mentor help?\n"
    "Participant: He had been through it. He knew what going back to work was like.\n"
    "Interviewer: Was anything hard?\n"
    "Participant: Finding a time to meet was hard, with the hospital schedule.\n"
)


def study(service: Any, lead: Any, slug: str = "test-study") -> Any:
    made = services.study_create(
        actor=lead, slug=slug, title="Peer mentoring study", services=[service]
    )
    return made


def transcript(study: Any, lead: Any, label: str = "PT-01", text: str = TEXT) -> Any:
    participant = services.participant_add(
        actor=lead, study=study, label=label, group=Group.PATIENT
    )
    interview = services.interview_create(actor=lead, participant=participant)
    return services.transcript_import(
        actor=lead, interview=interview, name=f"Interview {label}", text=text
    )


def codes(study: Any, lead: Any) -> tuple[Any, Any]:
    value = services.code_create(actor=lead, study=study, name="Shared experience")
    barrier = services.code_create(actor=lead, study=study, name="Practical barriers")
    return value, barrier


def world_study(world: Any) -> dict[str, Any]:
    """The access matrix's study: led by the analyst persona, in the home service."""
    if "evaluation" not in world.objects:
        lead = world.people["analyst"]
        made = study(world.home, lead)
        text = transcript(made, lead)
        value, barrier = codes(made, lead)
        span = services.span_code(actor=lead, transcript=text, start=56, end=76, codes=[value])[0]
        participant = text.interview.participant
        world.objects["evaluation"] = {
            "study": made,
            "transcript": text,
            "code": value,
            "span": span,
            "participant": participant,
        }
    return world.objects["evaluation"]
