"""REFI-QDA 1.0 (QDA-XML) export and import: ``.qdpx`` projects and ``.qdc`` codebooks.

Every file we write is validated against the shipped XSDs before it is
returned, so an export that another tool would reject never leaves Alongside.
Every file we read is validated too, then checked for what the schema cannot
express (references to missing codes, selections outside their text), and
only then turned into values: a bad file gives one QdaError and nothing
half-built.

Positions: QDA-XML counts characters from 0 with the end exclusive. Python
``str`` indices are Unicode code points, which is what the standard means by
characters, so offsets survive non-ASCII text unchanged. (Browsers count
UTF-16 units; converting is the web layer's job.)

Source text goes in ``sources/<guid>.txt`` (UTF-8, no BOM) rather than inline
``PlainTextContent``: XML would normalise the transcript's line ends and
shift every offset after a CR.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - only builds trees; parsing is defused
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from typing import Any

import xmlschema
from xmlschema.exceptions import XMLResourceError, XMLResourceForbidden

from alongside.core.qda.archive import open_archive
from alongside.core.qda.project import (
    QdaCode,
    QdaCoding,
    QdaError,
    QdaNote,
    QdaProject,
    QdaSelection,
    QdaSet,
    QdaSource,
    QdaUser,
)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_FILE = "project.qde"
INTERNAL = "internal://"

# A fixed timestamp makes the same project export to the same bytes, so
# exports can be compared and checksummed.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_GUID = re.compile(
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"|(\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\})"
)


# ----------------------------------------------------------------- schemas


@cache
def _schema(name: str) -> xmlschema.XMLSchema:
    # Loaded once per process: parsing Project.xsd takes a noticeable fraction of a second.
    source = resources.files("alongside.core.qda.schemas").joinpath(name)
    with resources.as_file(source) as path:
        return xmlschema.XMLSchema(str(path))


def _first_schema_error(schema_name: str, root: ET.Element, label: str) -> None:
    for error in _schema(schema_name).iter_errors(root):
        # Element paths without {urn:...} so a person can read them.
        where = f" at {re.sub(r'[{][^}]*[}]', '', error.path)}" if error.path else ""
        raise QdaError(f"{label} does not follow the REFI-QDA schema{where}: {error.reason}")


def validate_project_xml(xml: bytes) -> None:
    """Raise QdaError with the schema's reason unless ``xml`` is a valid project.qde."""
    _first_schema_error("Project.xsd", _parse(xml, PROJECT_FILE), PROJECT_FILE)


def validate_codebook_xml(xml: bytes) -> None:
    """Raise QdaError with the schema's reason unless ``xml`` is a valid .qdc codebook."""
    _first_schema_error("Codebook.xsd", _parse(xml, "The codebook"), "The codebook")


def _parse(xml: bytes, label: str) -> ET.Element:
    # xmlschema's defused parser refuses entity declarations, which is how
    # XML bombs and external-file reads work; QDA-XML never needs them.
    try:
        resource = xmlschema.XMLResource(io.BytesIO(xml), defuse="always")
    except XMLResourceForbidden:
        raise QdaError(f"{label} declares XML entities, which are not allowed") from None
    except (XMLResourceError, ET.ParseError) as exc:
        raise QdaError(f"{label} is not well-formed XML ({exc})") from None
    root: ET.Element = resource.root
    return root


# ----------------------------------------------------------------- writing


class _Writer:
    def __init__(self, ns: str, what: str) -> None:
        self.ns = ns
        self.what = what
        self.seen: set[str] = set()

    def el(self, parent: ET.Element | None, tag: str, **attrs: str | None) -> ET.Element:
        clean = {k: self.text(v, f"{tag} {k}") for k, v in attrs.items() if v is not None}
        if parent is None:
            # Unqualified tags under a literal xmlns give a default namespace
            # rather than ns0: prefixes; some QDA tools match names literally.
            return ET.Element(tag, {"xmlns": self.ns, **clean})
        return ET.SubElement(parent, tag, clean)

    def text(self, value: str, where: str) -> str:
        bad = _NOT_XML_CHAR.search(value)
        if bad:
            raise QdaError(
                f"{self.what}: {where} contains the character U+{ord(bad.group()):04X}, "
                "which XML cannot carry"
            )
        return value

    def body(self, parent: ET.Element, tag: str, value: str, where: str) -> None:
        # XML parsers turn CR and CRLF into LF in element content; doing it
        # here keeps export -> import -> export identical.
        element = self.el(parent, tag)
        element.text = self.text(value.replace("\r\n", "\n").replace("\r", "\n"), where)

    def guid(self, value: str, where: str, *, new: bool = True) -> str:
        if not _GUID.fullmatch(value):
            raise QdaError(f"{self.what}: {where} has the GUID {value!r}, which is not a GUID")
        if new:
            if value.lower() in self.seen:
                raise QdaError(f"{self.what}: the GUID {value} is used twice ({where})")
            self.seen.add(value.lower())
        return value

    def finish(self, root: ET.Element) -> bytes:
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _check_color(w: _Writer, code: QdaCode) -> None:
    if code.color is not None and not re.fullmatch(r"#[0-9A-Fa-f]{6}|#[0-9A-Fa-f]{3}", code.color):
        raise QdaError(f"{w.what}: code {code.name!r} has the colour {code.color!r}, not #RRGGBB")


def _code_element(
    w: _Writer, parent: ET.Element, code: QdaCode, refs: dict[str, list[str]]
) -> None:
    _check_color(w, code)
    element = w.el(
        parent,
        "Code",
        guid=w.guid(code.guid, f"code {code.name!r}"),
        name=code.name,
        isCodable="true" if code.is_codable else "false",
        color=code.color,
    )
    if code.description:
        w.body(element, "Description", code.description, f"the description of {code.name!r}")
    for note_guid in refs.get(code.guid, []):
        w.el(element, "NoteRef", targetGUID=note_guid)
    for child in code.children:
        _code_element(w, element, child, refs)


def _coding_element(
    w: _Writer,
    parent: ET.Element,
    coding: QdaCoding,
    codes: set[str],
    refs: dict[str, list[str]],
    where: str,
) -> None:
    if coding.code_guid not in codes:
        raise QdaError(
            f"{w.what}: a coding on {where} refers to code {coding.code_guid}, "
            "which is not in the codebook"
        )
    element = w.el(
        parent,
        "Coding",
        guid=w.guid(coding.guid, f"a coding on {where}"),
        creatingUser=_opt_guid(w, coding.user_guid, where),
    )
    w.el(element, "CodeRef", targetGUID=coding.code_guid)
    for note_guid in refs.get(coding.guid, []):
        w.el(element, "NoteRef", targetGUID=note_guid)


def _opt_guid(w: _Writer, value: str | None, where: str) -> str | None:
    return None if value is None else w.guid(value, where, new=False)


def project_xml(project: QdaProject) -> bytes:
    """The project.qde document for ``project`` (validated), without the source files."""
    w = _Writer(PROJECT_NS, "The project")
    refs = _note_refs(project)
    root = w.el(None, "Project", name=project.name, origin=project.origin)
    if project.users:
        users = w.el(root, "Users")
        for user in project.users:
            w.el(users, "User", guid=w.guid(user.guid, f"user {user.name!r}"), name=user.name)
    code_guids = {code.guid for code in project.all_codes()}
    if project.codes:
        codes = w.el(w.el(root, "CodeBook"), "Codes")
        for code in project.codes:
            _code_element(w, codes, code, refs)
    if project.sources:
        sources = w.el(root, "Sources")
        for source in project.sources:
            where = f"source {source.name!r}"
            element = w.el(
                sources,
                "TextSource",
                guid=w.guid(source.guid, where),
                name=source.name,
                plainTextPath=f"{INTERNAL}{source.guid}.txt",
            )
            for sel in source.selections:
                sel_where = f"selection {sel.start}-{sel.end} of {where}"
                _check_span(sel, source, w.what)
                s_el = w.el(
                    element,
                    "PlainTextSelection",
                    guid=w.guid(sel.guid, sel_where),
                    name=sel.name or None,
                    startPosition=str(sel.start),
                    endPosition=str(sel.end),
                    creatingUser=_opt_guid(w, sel.user_guid, sel_where),
                )
                for coding in sel.codings:
                    _coding_element(w, s_el, coding, code_guids, refs, sel_where)
                for note_guid in refs.get(sel.guid, []):
                    w.el(s_el, "NoteRef", targetGUID=note_guid)
            for coding in source.codings:
                _coding_element(w, element, coding, code_guids, refs, where)
            for note_guid in refs.get(source.guid, []):
                w.el(element, "NoteRef", targetGUID=note_guid)
    if project.notes:
        notes = w.el(root, "Notes")
        for note in project.notes:
            where = f"note {note.name!r}"
            element = w.el(
                notes,
                "Note",
                guid=w.guid(note.guid, where),
                name=note.name,
                creatingUser=_opt_guid(w, note.user_guid, where),
            )
            w.body(element, "PlainTextContent", note.text, f"the text of {where}")
    if project.sets:
        sets = w.el(root, "Sets")
        for qset in project.sets:
            where = f"set {qset.name!r}"
            element = w.el(sets, "Set", guid=w.guid(qset.guid, where), name=qset.name)
            if qset.description:
                w.body(element, "Description", qset.description, f"the description of {where}")
            for code_guid in qset.code_guids:
                if code_guid not in code_guids:
                    raise QdaError(
                        f"The project: {where} contains code {code_guid}, "
                        "which is not in the codebook"
                    )
                w.el(element, "MemberCode", targetGUID=code_guid)
    xml = w.finish(root)
    _first_schema_error("Project.xsd", _parse(xml, PROJECT_FILE), "The exported project")
    return xml


def _note_refs(project: QdaProject) -> dict[str, list[str]]:
    """Target GUID -> the notes about it; QDA-XML puts NoteRef in the target, not the note."""
    targets = {code.guid for code in project.all_codes()}
    for source in project.sources:
        targets.add(source.guid)
        targets.update(c.guid for c in source.codings)
        for sel in source.selections:
            targets.add(sel.guid)
            targets.update(c.guid for c in sel.codings)
    refs: dict[str, list[str]] = {}
    for note in project.notes:
        for target in note.target_guids:
            if target not in targets:
                raise QdaError(
                    f"The project: note {note.name!r} is about {target}, "
                    "which is not a code, source, selection or coding in the project"
                )
            refs.setdefault(target, []).append(note.guid)
    return refs


def _check_span(sel: QdaSelection, source: QdaSource, what: str) -> None:
    if not 0 <= sel.start < sel.end <= len(source.text):
        raise QdaError(
            f"{what}: selection {sel.guid} in source {source.name!r} runs from {sel.start} "
            f"to {sel.end}, but it must start before it ends and lie within the text's "
            f"{len(source.text)} characters"
        )


def _zip_entry(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def write_qdpx(project: QdaProject) -> bytes:
    """A .qdpx archive: project.qde plus sources/<guid>.txt for every (plain text) source."""
    xml = project_xml(project)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _zip_entry(archive, PROJECT_FILE, xml)
        for source in project.sources:
            try:
                text = source.text.encode("utf-8")
            except UnicodeEncodeError:
                raise QdaError(
                    f"The project: source {source.name!r} contains text that "
                    "cannot be saved as UTF-8"
                ) from None
            _zip_entry(archive, f"sources/{source.guid}.txt", text)
    return buffer.getvalue()


def write_qdc(
    codes: tuple[QdaCode, ...],
    users: tuple[QdaUser, ...] = (),
    origin: str = "Alongside",
    *,
    sets: tuple[QdaSet, ...] = (),
) -> bytes:
    """A stand-alone .qdc codebook (validated).

    ``users`` is accepted so callers can pass the same values as to
    write_qdpx, but Codebook.xsd has no element for users, so they are not
    written; only their GUIDs are checked.
    """
    w = _Writer(CODEBOOK_NS, "The codebook")
    for user in users:
        w.guid(user.guid, f"user {user.name!r}", new=False)
    root = w.el(None, "CodeBook", origin=origin)
    if not codes:
        raise QdaError("The codebook has no codes; REFI-QDA needs at least one")
    parent = w.el(root, "Codes")

    def add(parent: ET.Element, code: QdaCode) -> None:
        _check_color(w, code)
        element = w.el(
            parent,
            "Code",
            guid=w.guid(code.guid, f"code {code.name!r}"),
            name=code.name,
            isCodable="true" if code.is_codable else "false",
            color=code.color,
        )
        if code.description:
            w.body(element, "Description", code.description, f"the description of {code.name!r}")
        for child in code.children:
            add(element, child)

    for code in codes:
        add(parent, code)
    known = {c.guid for code in codes for c in code.walk()}
    if sets:
        sets_el = w.el(root, "Sets")
        for qset in sets:
            element = w.el(
                sets_el, "Set", guid=w.guid(qset.guid, f"set {qset.name!r}"), name=qset.name
            )
            if qset.description:
                w.body(element, "Description", qset.description, f"set {qset.name!r}")
            for code_guid in qset.code_guids:
                if code_guid not in known:
                    raise QdaError(
                        f"The codebook: set {qset.name!r} contains code "
                        f"{code_guid}, which is not in the codebook"
                    )
                w.el(element, "MemberCode", guid=code_guid)
    xml = w.finish(root)
    _first_schema_error("Codebook.xsd", _parse(xml, "The codebook"), "The exported codebook")
    return xml


# ----------------------------------------------------------------- reading


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _children(element: ET.Element, ns: str, tag: str) -> Iterator[ET.Element]:
    return iter(element.findall(_q(ns, tag)))


def _description(element: ET.Element, ns: str) -> str:
    found = element.find(_q(ns, "Description"))
    return (found.text or "") if found is not None else ""


def _read_code(element: ET.Element, ns: str) -> QdaCode:
    return QdaCode(
        guid=element.attrib["guid"].strip(),
        name=element.attrib["name"],
        description=_description(element, ns),
        color=element.attrib.get("color", "").strip() or None,
        children=tuple(_read_code(child, ns) for child in _children(element, ns, "Code")),
        is_codable=element.attrib["isCodable"].strip() in ("true", "1"),
    )


def read_qdc(data: bytes) -> tuple[QdaCode, ...]:
    """The codes of a .qdc codebook; raises QdaError for anything the schema refuses."""
    return read_codebook(data)[0]


def read_codebook(data: bytes) -> tuple[tuple[QdaCode, ...], tuple[QdaSet, ...]]:
    """The codes and code sets of a .qdc codebook."""
    ns = CODEBOOK_NS
    root = _parse(data, "The codebook")
    _first_schema_error("Codebook.xsd", root, "The codebook")
    codes_el = root.find(_q(ns, "Codes"))
    assert codes_el is not None  # required by the schema, already validated
    codes = tuple(_read_code(el, ns) for el in _children(codes_el, ns, "Code"))
    known = _unique_guids([c.guid for code in codes for c in code.walk()], "The codebook")
    sets: list[QdaSet] = []
    for set_el in root.iter(_q(ns, "Set")):
        members = tuple(m.attrib["guid"].strip() for m in _children(set_el, ns, "MemberCode"))
        for member in members:
            if member not in known:
                raise QdaError(
                    f"The codebook: set {set_el.attrib['name']!r} contains code "
                    f"{member}, which is not in the codebook"
                )
        sets.append(
            QdaSet(
                set_el.attrib["guid"].strip(),
                set_el.attrib["name"],
                _description(set_el, ns),
                members,
            )
        )
    return codes, tuple(sets)


def _unique_guids(guids: Iterable[str], label: str) -> set[str]:
    seen: set[str] = set()
    for guid in guids:
        if guid in seen:
            raise QdaError(f"{label}: the GUID {guid} is used by more than one element")
        seen.add(guid)
    return seen


_UNMODELLED = {
    "PictureSource": "picture source",
    "PDFSource": "PDF source",
    "AudioSource": "audio source",
    "VideoSource": "video source",
}


def read_qdpx(data: bytes, *, max_uncompressed: int = 200_000_000) -> QdaProject:
    """A project from a .qdpx archive; raises QdaError, never returns part of a project."""
    archive = open_archive(data, label="The .qdpx file", max_uncompressed=max_uncompressed)
    if PROJECT_FILE not in archive.names():
        raise QdaError("The .qdpx file has no project.qde inside, so it is not a REFI-QDA project")
    root = _parse(archive.read(PROJECT_FILE), PROJECT_FILE)
    _first_schema_error("Project.xsd", root, PROJECT_FILE)
    return _ProjectReader(root, archive.read, archive.names()).project()


class _ProjectReader:
    ns = PROJECT_NS

    def __init__(self, root: ET.Element, read: Any, names: set[str]) -> None:
        self.root = root
        self.read = read
        self.names = names
        self.skipped: list[str] = []
        self.note_refs: dict[str, list[str]] = {}  # note guid -> targets, in document order

    def q(self, tag: str) -> str:
        return _q(self.ns, tag)

    def project(self) -> QdaProject:
        root, ns = self.root, self.ns
        users = tuple(
            QdaUser(u.attrib["guid"].strip(), u.attrib.get("name", ""))
            for u in root.iterfind(f"{self.q('Users')}/{self.q('User')}")
        )
        codes_el = root.find(f"{self.q('CodeBook')}/{self.q('Codes')}")
        codes = (
            ()
            if codes_el is None
            else tuple(_read_code(el, ns) for el in _children(codes_el, ns, "Code"))
        )
        code_guids = {c.guid for code in codes for c in code.walk()}
        if codes_el is not None:
            for code_el in codes_el.iter(self.q("Code")):
                self.collect_refs(code_el, code_el.attrib["guid"].strip())
        sources: list[QdaSource] = []
        sources_el = root.find(self.q("Sources"))
        if sources_el is not None:
            for element in sources_el:
                tag = element.tag.rsplit("}", 1)[-1]
                if tag != "TextSource":
                    name = element.attrib.get("name", element.attrib["guid"])
                    self.skipped.append(
                        f"The {_UNMODELLED.get(tag, tag)} {name!r} was not "
                        "imported: Alongside works with text sources only."
                    )
                    continue
                sources.append(self.source(element, code_guids))
        notes = self.notes()
        sets: list[QdaSet] = []
        for set_el in root.iterfind(f"{self.q('Sets')}/{self.q('Set')}"):
            members = tuple(
                m.attrib["targetGUID"].strip() for m in _children(set_el, ns, "MemberCode")
            )
            for member in members:
                if member not in code_guids:
                    raise QdaError(
                        f"project.qde: set {set_el.attrib['name']!r} contains code "
                        f"{member}, which is not in the codebook"
                    )
            if (
                set_el.find(self.q("MemberSource")) is not None
                or set_el.find(self.q("MemberNote")) is not None
            ):
                self.skipped.append(
                    f"Set {set_el.attrib['name']!r}: only its codes were "
                    "imported, not its sources or notes."
                )
            sets.append(
                QdaSet(
                    set_el.attrib["guid"].strip(),
                    set_el.attrib["name"],
                    _description(set_el, ns),
                    members,
                )
            )
        for tag, what in (
            ("Variables", "variables"),
            ("Cases", "cases"),
            ("Links", "links"),
            ("Graphs", "graphs"),
        ):
            if root.find(self.q(tag)) is not None:
                self.skipped.append(f"The project's {what} were not imported.")
        all_guids: list[str] = [u.guid for u in users]
        all_guids += [c.guid for code in codes for c in code.walk()]
        for source in sources:
            all_guids.append(source.guid)
            all_guids += [c.guid for c in source.codings]
            for sel in source.selections:
                all_guids.append(sel.guid)
                all_guids += [c.guid for c in sel.codings]
        all_guids += [n.guid for n in notes] + [s.guid for s in sets]
        _unique_guids(all_guids, "project.qde")
        return QdaProject(
            name=root.attrib["name"],
            origin=root.attrib.get("origin", ""),
            users=users,
            codes=codes,
            sources=tuple(sources),
            notes=notes,
            sets=tuple(sets),
            skipped=tuple(self.skipped),
        )

    def collect_refs(self, element: ET.Element, target: str) -> None:
        for ref in _children(element, self.ns, "NoteRef"):
            self.note_refs.setdefault(ref.attrib["targetGUID"].strip(), []).append(target)

    def codings(
        self, parent: ET.Element, code_guids: set[str], where: str
    ) -> tuple[QdaCoding, ...]:
        found = []
        for element in _children(parent, self.ns, "Coding"):
            code_ref = element.find(self.q("CodeRef"))
            assert code_ref is not None  # required by the schema
            code_guid = code_ref.attrib["targetGUID"].strip()
            if code_guid not in code_guids:
                raise QdaError(
                    f"project.qde: a coding on {where} refers to code {code_guid}, "
                    "which is not in the codebook"
                )
            guid = element.attrib["guid"].strip()
            self.collect_refs(element, guid)
            found.append(QdaCoding(guid, code_guid, _attr_guid(element, "creatingUser")))
        return tuple(found)

    def source(self, element: ET.Element, code_guids: set[str]) -> QdaSource:
        guid = element.attrib["guid"].strip()
        name = element.attrib.get("name", guid)
        where = f"source {name!r}"
        text = self.source_text(element, where)
        selections = []
        for sel_el in _children(element, self.ns, "PlainTextSelection"):
            sel_guid = sel_el.attrib["guid"].strip()
            start = int(sel_el.attrib["startPosition"])
            end = int(sel_el.attrib["endPosition"])
            if not 0 <= start < end <= len(text):
                raise QdaError(
                    f"project.qde: selection {sel_guid} in {where} runs from {start} to {end}, "
                    f"but it must start before it ends and lie within the text's "
                    f"{len(text)} characters"
                )
            sel_where = f"selection {start}-{end} of {where}"
            codings = self.codings(sel_el, code_guids, sel_where)
            self.collect_refs(sel_el, sel_guid)
            selections.append(
                QdaSelection(
                    sel_guid,
                    start,
                    end,
                    sel_el.attrib.get("name", ""),
                    _attr_guid(sel_el, "creatingUser"),
                    codings,
                )
            )
        codings = self.codings(element, code_guids, where)
        self.collect_refs(element, guid)
        return QdaSource(guid, name, text, tuple(selections), codings)

    def source_text(self, element: ET.Element, where: str) -> str:
        inline = element.find(self.q("PlainTextContent"))
        path = element.attrib.get("plainTextPath")
        if path is None:
            if inline is None:
                raise QdaError(f"project.qde: {where} has neither a text file nor inline text")
            return inline.text or ""
        if not path.startswith(INTERNAL):
            raise QdaError(
                f"project.qde: {where} keeps its text outside the archive ({path}); "
                "only internal:// sources can be imported"
            )
        member = "sources/" + path[len(INTERNAL) :]
        parts = member.split("/")
        if ".." in parts or "\\" in member or any(not p for p in parts):
            raise QdaError(f"project.qde: {where} points outside the archive ({path})")
        if member not in self.names:
            raise QdaError(f"The .qdpx file lacks {member}, the text of {where}")
        raw: bytes = self.read(member)
        try:
            # A BOM is an encoding marker, not a character of the transcript,
            # so it must not count towards positions.
            return raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise QdaError(f"The .qdpx file: {member}, the text of {where}, is not UTF-8") from None

    def notes(self) -> tuple[QdaNote, ...]:
        notes = []
        note_guids = set()
        for element in self.root.iterfind(f"{self.q('Notes')}/{self.q('Note')}"):
            guid = element.attrib["guid"].strip()
            note_guids.add(guid)
            content = element.find(self.q("PlainTextContent"))
            notes.append(
                QdaNote(
                    guid,
                    element.attrib.get("name", ""),
                    (content.text or "") if content is not None else "",
                    _attr_guid(element, "creatingUser"),
                    tuple(self.note_refs.get(guid, ())),
                )
            )
        for ref in self.root.findall(self.q("NoteRef")):
            # A note about the project as a whole is kept as a note with no
            # targets; only a dangling reference is an error.
            if ref.attrib["targetGUID"].strip() not in note_guids:
                raise QdaError(
                    f"project.qde: the project refers to note "
                    f"{ref.attrib['targetGUID']}, which is not in Notes"
                )
        for note_guid, targets in self.note_refs.items():
            if note_guid not in note_guids:
                raise QdaError(
                    f"project.qde: {targets[0]} refers to note {note_guid}, which is not in Notes"
                )
        return tuple(notes)


def _attr_guid(element: ET.Element, name: str) -> str | None:
    value = element.attrib.get(name)
    return value.strip() if value else None
