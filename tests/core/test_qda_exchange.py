"""REFI-QDA export and import (alongside.core.qda): validity, round trips, bad files."""

import io
import re
import struct
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alongside.core.qda import (
    QdaCode,
    QdaCoding,
    QdaError,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
    read_codebook,
    read_qdc,
    read_qdpx,
    validate_codebook_xml,
    validate_project_xml,
    write_qdc,
    write_qdpx,
)

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "standards" / "refi-qda"
SHIPPED = Path(__file__).resolve().parents[2] / "src" / "alongside" / "core" / "qda" / "schemas"


def guid(n: int) -> str:
    return str(uuid.UUID(int=n))


LEAD, CODER = QdaUser(guid(1), "Lead analyst"), QdaUser(guid(2), "Zoë Coder")
VALUE = QdaCode(guid(10), "The value of peer input", "Mentors who had been there", "#1D70B8")
HOPE = QdaCode(guid(11), "Hope", "Seeing someone back at work", "#00703C")
FACILITATORS = QdaCode(guid(12), "Facilitators", "", None, (HOPE,), is_codable=False)
TEXT = "Interviewer: How was it?\nP1: Señora Ødegård — mentoring gave me hope 😀.\r\nEnd."
START = TEXT.index("mentoring")
SOURCE = QdaSource(
    guid(20),
    "Interview P1",
    TEXT,
    (
        QdaSelection(
            guid(30),
            START,
            START + len("mentoring gave me hope 😀"),
            "",
            CODER.guid,
            (QdaCoding(guid(40), HOPE.guid, CODER.guid), QdaCoding(guid(41), VALUE.guid)),
        ),
    ),
    (QdaCoding(guid(42), VALUE.guid, LEAD.guid),),
)
PROJECT = QdaProject(
    "Peer mentoring evaluation",
    "Alongside",
    (LEAD, CODER),
    (VALUE, FACILITATORS),
    (SOURCE,),
    (
        QdaNote(
            guid(50),
            "Memo",
            "Strong example.\nUse in write-up.",
            LEAD.guid,
            (VALUE.guid, guid(30), SOURCE.guid),
        ),
    ),  # targets in document order
    (
        QdaSet(
            guid(60), "Theme: the value of peer input", "From the paper", (VALUE.guid, HOPE.guid)
        ),
    ),
)


def project_qde(archive: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(archive)).read("project.qde")


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_qde(edit) -> bytes:
    """A copy of the sample export with project.qde edited."""
    archive = zipfile.ZipFile(io.BytesIO(write_qdpx(PROJECT)))
    members = {name: archive.read(name) for name in archive.namelist()}
    members["project.qde"] = edit(members["project.qde"].decode()).encode()
    return make_zip(members)


# ------------------------------------------------------------- valid output


def test_the_shipped_schemas_are_the_shared_ones_unchanged():
    if not SHARED.is_dir():
        pytest.skip("../shared/standards/refi-qda is not present outside the workspace")
    for name in ("Project.xsd", "Codebook.xsd"):
        assert (SHIPPED / name).read_bytes() == (SHARED / name).read_bytes()


def schema(name):
    folder = SHARED if SHARED.is_dir() else SHIPPED
    return xmlschema.XMLSchema(str(folder / name))


def test_the_exported_project_validates_against_the_xsd():
    xml = project_qde(write_qdpx(PROJECT))
    schema("Project.xsd").validate(xml.decode())  # independent of our wrapper
    validate_project_xml(xml)
    assert b'plainTextPath="internal://' + guid(20).encode() + b'.txt"' in xml


def test_the_exported_codebook_validates_and_round_trips():
    qdc = write_qdc(PROJECT.codes, PROJECT.users, sets=PROJECT.sets)
    schema("Codebook.xsd").validate(qdc.decode())
    validate_codebook_xml(qdc)
    assert read_qdc(qdc) == PROJECT.codes
    assert read_codebook(qdc) == (PROJECT.codes, PROJECT.sets)
    assert write_qdc(read_qdc(qdc), sets=PROJECT.sets) == qdc


def test_export_import_export_is_identical_and_keeps_offsets():
    first = write_qdpx(PROJECT)
    imported = read_qdpx(first)
    assert imported == PROJECT
    assert write_qdpx(imported) == first
    selection = imported.sources[0].selections[0]
    assert imported.sources[0].text[selection.start : selection.end] == "mentoring gave me hope 😀"


def test_source_text_is_stored_as_a_file_with_crlf_kept():
    archive = zipfile.ZipFile(io.BytesIO(write_qdpx(PROJECT)))
    assert archive.namelist() == ["project.qde", f"sources/{guid(20)}.txt"]
    assert archive.read(f"sources/{guid(20)}.txt").decode("utf-8") == TEXT


def test_a_byte_order_mark_does_not_shift_positions():
    archive = zipfile.ZipFile(io.BytesIO(write_qdpx(PROJECT)))
    members = {name: archive.read(name) for name in archive.namelist()}
    members[f"sources/{guid(20)}.txt"] = b"\xef\xbb\xbf" + members[f"sources/{guid(20)}.txt"]
    assert read_qdpx(make_zip(members)) == PROJECT


def test_inline_text_and_unmodelled_parts_are_read_and_reported():
    def edit(xml):
        xml = xml.replace(
            f' plainTextPath="internal://{guid(20)}.txt">',
            ">\n<PlainTextContent>" + "x" * 200 + "</PlainTextContent>",
        )
        return xml.replace(
            "</Sources>",
            f'<PDFSource guid="{guid(70)}" name="Consent form" path="internal://c.pdf"/></Sources>',
        )

    project = read_qdpx(with_qde(edit))
    assert project.sources[0].text == "x" * 200
    assert project.skipped == (
        "The PDF source 'Consent form' was not imported: Alongside works with text sources only.",
    )


def test_writing_refuses_values_the_standard_cannot_hold():
    with pytest.raises(QdaError, match="not a GUID"):
        write_qdpx(replace(PROJECT, users=(QdaUser("user-1", "x"),)))
    with pytest.raises(QdaError, match="not in the codebook"):
        write_qdpx(replace(PROJECT, codes=(VALUE,)))
    with pytest.raises(QdaError, match="must start before it ends"):
        bad = replace(SOURCE.selections[0], end=len(TEXT) + 1)
        write_qdpx(replace(PROJECT, sources=(replace(SOURCE, selections=(bad,)),)))
    with pytest.raises(QdaError, match="U\\+0007"):
        write_qdpx(replace(PROJECT, name="bell\a"))
    with pytest.raises(QdaError, match="used twice"):
        write_qdpx(replace(PROJECT, users=(LEAD, QdaUser(guid(10), "same as a code"))))
    with pytest.raises(QdaError, match="#RRGGBB"):
        write_qdc((replace(VALUE, color="blue"),))


# ------------------------------------------------------------- round trip property

guids = st.uuids().map(str)
xml_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"),
    max_size=30,
)


@st.composite
def code_trees(draw, depth=0):
    children = () if depth >= 2 else tuple(draw(st.lists(code_trees(depth + 1), max_size=2)))
    return QdaCode(
        draw(guids),
        draw(xml_text),
        draw(xml_text),
        draw(st.none() | st.from_regex(r"#[0-9A-F]{6}", fullmatch=True)),
        children,
        draw(st.booleans()),
    )


@st.composite
def projects(draw):
    users = tuple(draw(st.lists(st.builds(QdaUser, guids, xml_text), max_size=2)))
    codes = tuple(draw(st.lists(code_trees(), min_size=1, max_size=3)))
    all_codes = [c.guid for code in codes for c in code.walk()]
    user_guids = st.none() | st.sampled_from([u.guid for u in users]) if users else st.none()
    sources = []
    for _ in range(draw(st.integers(0, 2))):
        text = draw(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60))
        selections = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            codings = tuple(
                QdaCoding(draw(guids), draw(st.sampled_from(all_codes)), draw(user_guids))
                for _ in range(draw(st.integers(0, 2)))
            )
            selections.append(
                QdaSelection(draw(guids), start, end, draw(xml_text), draw(user_guids), codings)
            )
        sources.append(QdaSource(draw(guids), draw(xml_text), text, tuple(selections)))
    sets = tuple(
        QdaSet(
            draw(guids),
            draw(xml_text),
            draw(xml_text),
            tuple(draw(st.lists(st.sampled_from(all_codes), max_size=3))),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    targets = all_codes + [s.guid for s in sources]
    notes = tuple(
        QdaNote(
            draw(guids),
            draw(xml_text),
            draw(xml_text).replace("\r", ""),
            draw(user_guids),
            tuple(draw(st.lists(st.sampled_from(targets), max_size=2, unique=True))),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    return QdaProject(draw(xml_text), draw(xml_text), users, codes, tuple(sources), notes, sets)


def note_targets(project):
    return {note.guid: set(note.target_guids) for note in project.notes}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(projects())
def test_any_project_round_trips(project):
    # Random GUIDs collide with vanishing probability; uuids() never repeats in practice.
    first = write_qdpx(project)
    validate_project_xml(project_qde(first))
    imported = read_qdpx(first)
    # Memos' targets come back in document order, which is not the order given.
    assert replace(imported, notes=()) == replace(project, notes=())
    assert note_targets(imported) == note_targets(project)
    assert [(n.guid, n.name, n.text, n.user_guid) for n in imported.notes] == [
        (n.guid, n.name, n.text, n.user_guid) for n in project.notes
    ]
    assert write_qdpx(imported) == write_qdpx(read_qdpx(write_qdpx(imported)))
    for source in imported.sources:
        original = next(s for s in project.sources if s.guid == source.guid)
        for ours, theirs in zip(source.selections, original.selections, strict=True):
            assert source.text[ours.start : ours.end] == original.text[theirs.start : theirs.end]


# ------------------------------------------------------------- bad input


def test_not_a_zip():
    with pytest.raises(QdaError, match="not a ZIP archive"):
        read_qdpx(b"<Project/>")


def test_no_project_qde():
    with pytest.raises(QdaError, match="no project.qde"):
        read_qdpx(make_zip({"sources/a.txt": b"hello"}))


def test_not_well_formed():
    with pytest.raises(QdaError, match="not well-formed XML"):
        read_qdpx(with_qde(lambda xml: xml.replace("</Project>", "")))


def test_entity_declarations_are_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">]><p>&a;</p>'
    with pytest.raises(QdaError, match="entities"):
        read_qdpx(make_zip({"project.qde": bomb.encode()}))


def test_schema_failure_gives_the_schemas_reason():
    with pytest.raises(QdaError, match=r"does not follow the REFI-QDA schema.*isCodable"):
        read_qdpx(with_qde(lambda xml: xml.replace(' isCodable="true"', "", 1)))
    with pytest.raises(QdaError, match="does not follow the REFI-QDA schema"):
        read_qdpx(with_qde(lambda xml: xml.replace(guid(10), "not-a-guid", 1)))


def test_a_selection_referring_to_a_missing_code():
    missing = guid(99)
    qdpx = with_qde(
        lambda xml: xml.replace(
            f'<CodeRef targetGUID="{HOPE.guid}"', f'<CodeRef targetGUID="{missing}"'
        )
    )
    with pytest.raises(QdaError, match=f"refers to code {missing}, which is not in the codebook"):
        read_qdpx(qdpx)


def test_a_source_whose_text_file_is_missing():
    archive = zipfile.ZipFile(io.BytesIO(write_qdpx(PROJECT)))
    qdpx = make_zip({"project.qde": archive.read("project.qde")})
    with pytest.raises(QdaError, match=f"lacks sources/{guid(20)}.txt, the text of source"):
        read_qdpx(qdpx)


@pytest.mark.parametrize(("start", "end"), [(0, len(TEXT) + 1), (5, 5), (9, 3), (-1, 4)], ids=str)
def test_a_selection_outside_the_text_or_backwards(start, end):
    def edit(xml):
        xml = re.sub(r'startPosition="\d+"', f'startPosition="{start}"', xml)
        return re.sub(r'endPosition="\d+"', f'endPosition="{end}"', xml)

    with pytest.raises(QdaError, match="must start before it ends and lie within"):
        read_qdpx(with_qde(edit))


def test_a_zip_bomb_is_refused_before_it_is_read():
    bomb = make_zip({"project.qde": b"<a/>", "sources/x.txt": b"\0" * 5_000_000})
    assert len(bomb) < 20_000
    with pytest.raises(QdaError, match="ZIP bomb"):
        read_qdpx(bomb)
    with pytest.raises(QdaError, match="more than the limit"):
        read_qdpx(write_qdpx(PROJECT), max_uncompressed=100)


def test_a_member_larger_than_it_declares_is_refused():
    good = write_qdpx(PROJECT)
    size = len(project_qde(good))
    declared = struct.pack("<I", size)
    # Shrink the declared size of project.qde in both headers; the data stays the same.
    lying = good.replace(declared, struct.pack("<I", 50))
    assert lying != good
    with pytest.raises(QdaError, match="project.qde"):
        read_qdpx(lying)


def test_paths_escaping_the_archive_are_refused():
    good = zipfile.ZipFile(io.BytesIO(write_qdpx(PROJECT)))
    members = {name: good.read(name) for name in good.namelist()}
    with pytest.raises(QdaError, match="outside the archive"):
        read_qdpx(make_zip({**members, "../evil.txt": b"x"}))
    with pytest.raises(QdaError, match="outside the archive"):
        read_qdpx(make_zip({**members, "/etc/evil": b"x"}))
    escaping = with_qde(
        lambda xml: xml.replace(f"internal://{guid(20)}.txt", "internal://../../etc/passwd")
    )
    with pytest.raises(QdaError, match="points outside the archive"):
        read_qdpx(escaping)
    external = with_qde(
        lambda xml: xml.replace(f"internal://{guid(20)}.txt", "absolute:///etc/passwd")
    )
    with pytest.raises(QdaError, match="outside the archive"):
        read_qdpx(external)


def test_a_source_that_is_not_utf8_is_refused():
    good = zipfile.ZipFile(io.BytesIO(write_qdpx(PROJECT)))
    members = {name: good.read(name) for name in good.namelist()}
    members[f"sources/{guid(20)}.txt"] = "Señora".encode("cp1252") + b"\x81" * 100
    with pytest.raises(QdaError, match="is not UTF-8"):
        read_qdpx(make_zip(members))


def test_duplicate_guids_and_dangling_notes_are_refused():
    with pytest.raises(QdaError, match="more than one element"):
        read_qdpx(with_qde(lambda xml: xml.replace(guid(60), guid(10))))
    with pytest.raises(QdaError, match="not in Notes"):
        read_qdpx(
            with_qde(
                lambda xml: xml.replace(f'<Note guid="{guid(50)}"', f'<Note guid="{guid(51)}"')
            )
        )


def test_codebook_bad_input():
    with pytest.raises(QdaError, match="not well-formed"):
        read_qdc(b"<CodeBook")
    with pytest.raises(QdaError, match="does not follow the REFI-QDA schema"):
        read_qdc(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>')
    with pytest.raises(QdaError, match="does not follow the REFI-QDA schema"):
        validate_codebook_xml(project_qde(write_qdpx(PROJECT)))
