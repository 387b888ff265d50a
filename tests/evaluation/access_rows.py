"""Access matrix rows for the evaluation pages: analysts on the study's team only.

Everyone else — service managers, therapists, mentors, patients, outsiders — gets 404
on every evaluation address, so a study cannot even be shown to exist.
"""

from __future__ import annotations

from typing import Any

from tests.access import LOGIN, Row, expect
from tests.evaluation.factories import world_study
from tests.personas import World

PAGE = expect(404, anonymous=LOGIN, analyst=200)
POST = expect(404, anonymous=LOGIN, analyst=302)


def slug(world: World) -> dict[str, Any]:
    return {"slug": world_study(world)["study"].slug}


def transcript(world: World) -> dict[str, Any]:
    objs = world_study(world)
    return {"slug": objs["study"].slug, "transcript_id": objs["transcript"].pk}


def code(world: World) -> dict[str, Any]:
    objs = world_study(world)
    return {"slug": objs["study"].slug, "code_id": objs["code"].pk}


def span(world: World) -> dict[str, Any]:
    objs = world_study(world)
    return {"slug": objs["study"].slug, "span_id": objs["span"].pk}


def participant(world: World) -> dict[str, Any]:
    objs = world_study(world)
    return {"slug": objs["study"].slug, "participant_id": objs["participant"].pk}


def interview(world: World) -> dict[str, Any]:
    objs = world_study(world)
    return {"slug": objs["study"].slug, "interview_id": objs["transcript"].interview_id}


ROWS = {
    "evaluation:studies": Row(PAGE),
    "evaluation:study_import": Row(PAGE),
    "evaluation:study": Row(PAGE, kwargs=slug),
    "evaluation:participants": Row(PAGE, kwargs=slug),
    "evaluation:participant_withdraw": Row(PAGE, kwargs=participant),
    "evaluation:participant_edit": Row(PAGE, kwargs=participant),
    "evaluation:interviews": Row(PAGE, kwargs=slug),
    "evaluation:interview_edit": Row(PAGE, kwargs=interview),
    "evaluation:transcript_import": Row(PAGE, kwargs=slug),
    "evaluation:deidentify": Row(PAGE, kwargs=transcript),
    "evaluation:code": Row(PAGE, kwargs=transcript),
    "evaluation:suggest": Row(PAGE, kwargs=transcript),
    "evaluation:undo": Row(POST, kwargs=transcript, method="post", fresh_world=True),
    "evaluation:disagreements": Row(PAGE, kwargs=transcript),
    "evaluation:span_remove": Row(POST, kwargs=span, method="post", fresh_world=True),
    "evaluation:codebook": Row(PAGE, kwargs=slug),
    "evaluation:code_detail": Row(PAGE, kwargs=code),
    "evaluation:memos": Row(PAGE, kwargs=slug),
    "evaluation:search": Row(PAGE, kwargs=slug),
    "evaluation:themes": Row(PAGE, kwargs=slug),
    "evaluation:themes_export": Row(PAGE, kwargs=lambda w: {**slug(w), "fmt": "md"}),
    "evaluation:agreement": Row(PAGE, kwargs=slug),
    "evaluation:cooccurrence": Row(PAGE, kwargs=slug),
    "evaluation:cooccurrence_chart": Row(PAGE, kwargs=slug),
    "evaluation:export_qdpx": Row(PAGE, kwargs=slug),
    "evaluation:export_qdc": Row(PAGE, kwargs=slug),
}
