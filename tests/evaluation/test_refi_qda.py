"""REFI-QDA exchange: export → import → export gives the same project; bad files are
refused with a message and leave nothing behind; the command-line twins."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from alongside.core.qda import read_qdpx, validate_codebook_xml, validate_project_xml
from alongside.evaluation import refi_qda, services
from alongside.evaluation.models import Code, CodedSpan, Study, Transcript
from tests.evaluation import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def coded(world):
    lead = world.people["analyst"]
    study = factories.study(world.home, lead)
    transcript = factories.transcript(study, lead)
    value, barrier = factories.codes(study, lead)
    child = services.code_create(
        actor=lead, study=study, name="Knew the workplace", parent=value, colour="#aa3300"
    )
    services.span_code(actor=lead, transcript=transcript, start=56, end=90, codes=[value, child])
    services.span_code(actor=lead, transcript=transcript, start=150, end=190, codes=[barrier])
    theme = services.theme_create(
        actor=lead, study=study, name="Value of peers", codes=[value, child]
    )
    services.theme_create(
        actor=lead,
        study=study,
        name="Lived experience",
        description="Knowing what it is like.",
        parent=theme,
        codes=[child],
    )
    services.memo_add(
        actor=lead, study=study, text="Comes up in every patient interview", code=value
    )
    return lead, study


def _project_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("project.qde")


def test_export_validates_and_round_trips(coded) -> None:
    lead, study = coded
    first = refi_qda.study_qdpx(lead, study)
    validate_project_xml(_project_xml(first))
    validate_codebook_xml(refi_qda.study_qdc(lead, study))
    again, skipped = refi_qda.study_import_qdpx(actor=lead, data=first)
    assert skipped == ()
    assert again.pk != study.pk
    one, two = read_qdpx(first), read_qdpx(refi_qda.study_qdpx(lead, again))
    assert one.codes == two.codes  # names, descriptions, colours, hierarchy, guids
    assert one.sources == two.sources  # text, selections, codings, coders
    assert one.sets == two.sets
    # Sub-themes survive: REFI-QDA Sets do not nest, so the child's Description says whose.
    sub = next(q for q in one.sets if q.name == "Lived experience")
    parent = next(q for q in one.sets if q.name == "Value of peers")
    assert sub.description == f"Knowing what it is like.\nSub-theme of: {parent.guid}"
    rebuilt = {t.name: t for t in again.themes.select_related("parent")}
    assert rebuilt["Lived experience"].parent == rebuilt["Value of peers"]
    assert rebuilt["Lived experience"].description == "Knowing what it is like."
    assert rebuilt["Value of peers"].parent is None
    assert one.users == two.users
    assert [n.text for n in one.notes] == [n.text for n in two.notes]
    assert sum(len(s.selections) for s in one.sources) == 2
    assert CodedSpan.objects.filter(transcript__study=again).count() == 3


def test_withdrawn_participants_are_not_exported(coded) -> None:
    lead, study = coded
    participant = Transcript.objects.get(study=study).interview.participant
    services.participant_withdraw(actor=lead, participant=participant, reason="Withdrew")
    assert read_qdpx(refi_qda.study_qdpx(lead, study)).sources == ()


def _rewrite(data: bytes, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            body = src.read(name)
            dst.writestr(name, change(name, body))
    return out.getvalue()


def _bad_files(good: bytes) -> dict[str, bytes]:
    missing_code = _rewrite(
        good,
        lambda name, body: (
            re.sub(
                rb'(<CodeRef targetGUID=")[^"]+',
                rb"\g<1>00000000-0000-4000-8000-000000000001",
                body,
            )
            if name == "project.qde"
            else body
        ),
    )
    no_project = io.BytesIO()
    with zipfile.ZipFile(no_project, "w") as archive:
        archive.writestr("readme.txt", "hello")
    schema = _rewrite(
        good, lambda name, body: body.replace(b"<CodeBook>", b"<Nonsense/><CodeBook>")
    )
    return {
        "not a zip": b"this is not a zip file",
        "no project.qde": no_project.getvalue(),
        "schema": schema,
        "missing code": missing_code,
    }


@pytest.mark.parametrize("kind", ["not a zip", "no project.qde", "schema", "missing code"])
def test_a_bad_project_is_refused_and_nothing_is_imported(coded, kind) -> None:
    lead, study = coded
    bad = _bad_files(refi_qda.study_qdpx(lead, study))[kind]
    before = (Study.objects.count(), Code.objects.count(), Transcript.objects.count())
    with pytest.raises(ValidationError) as error:
        refi_qda.study_import_qdpx(actor=lead, data=bad)
    assert error.value.message_dict["file"][0].startswith("This is not a project")
    assert (Study.objects.count(), Code.objects.count(), Transcript.objects.count()) == before


def test_the_commands_export_and_import(coded, tmp_path: Path) -> None:
    lead, study = coded
    out = tmp_path / "study.qdpx"
    call_command("export_qdpx", study.slug, str(out))
    validate_project_xml(_project_xml(out.read_bytes()))
    call_command("import_qdpx", str(out), "--slug", "copied", "--lead", lead.email)
    copied = Study.objects.get(slug="copied")
    assert copied.team.get().user == lead
    assert copied.codes.count() == study.codes.count()
    bad = tmp_path / "bad.qdpx"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError, match="not a project"):
        call_command("import_qdpx", str(bad))
    with pytest.raises(CommandError, match="no study"):
        call_command("export_qdpx", "no-such-study", str(out))
    assert Study.objects.count() == 2
