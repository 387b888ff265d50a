"""Studies to and from REFI-QDA (QDA-XML 1.0) projects, through ``alongside.core.qda``.

One ``CodedSpan`` is one code on one passage by one coder; REFI-QDA groups codings of
the same passage by the same coder under one ``PlainTextSelection``. Export groups
them (the selection keeps the first span's guid), import splits them again, so a
project goes out and back unchanged. Withdrawn participants' transcripts never leave.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.services import audit_record
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
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from alongside.evaluation import selectors
from alongside.evaluation.models import (
    Code,
    CodedSpan,
    Group,
    Interview,
    Memo,
    Participant,
    Study,
    TeamMember,
    TeamRole,
    Theme,
    Transcript,
)

ORIGIN = "Alongside"


def _g(value: Any) -> str:
    return str(value)


def _codes(study: Study) -> tuple[QdaCode, ...]:
    codes = list(Code.objects.filter(study=study).order_by("name", "pk"))
    children: dict[int | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)

    def build(parent: int | None) -> tuple[QdaCode, ...]:
        return tuple(
            QdaCode(
                guid=_g(c.guid),
                name=c.name,
                description=c.description,
                color=c.colour,
                children=build(c.pk),
            )
            for c in children.get(parent, [])
        )

    return build(None)


# REFI-QDA Sets do not nest, so a sub-theme's Set says whose it is on the last line of
# its Description: "Sub-theme of: <parent set guid>". Other tools show it as text.
SUB_THEME_OF = "Sub-theme of: "
_SUB_THEME_LINE = re.compile(r"(?:\A|\n)Sub-theme of: ([0-9a-fA-F-]{36})\s*\Z")


def _set_description(theme: Theme) -> str:
    if theme.parent is None:
        return theme.description
    line = SUB_THEME_OF + _g(theme.parent.guid)
    return f"{theme.description}\n{line}" if theme.description else line


def split_set_description(description: str) -> tuple[str, str | None]:
    """(the theme's own description, the parent set's guid or None)."""
    match = _SUB_THEME_LINE.search(description)
    if match is None:
        return description, None
    return description[: match.start()], match.group(1).lower()


def _sets(study: Study) -> tuple[QdaSet, ...]:
    return tuple(
        QdaSet(
            guid=_g(t.guid),
            name=t.name,
            description=_set_description(t),
            code_guids=tuple(_g(c.guid) for c in t.codes.order_by("name", "pk")),
        )
        for t in Theme.objects.filter(study=study)
        .select_related("parent")
        .prefetch_related("codes")
        .order_by("name", "pk")
    )


def study_project(actor: Actor, study: Study) -> QdaProject:
    """The study as a REFI-QDA project: every team member's coding, withdrawn excluded."""
    transcripts = list(
        selectors.transcripts_for(actor, study, analysed_only=True).order_by("name", "pk")
        if actor is not SYSTEM
        else Transcript.objects.filter(study=study).analysed().order_by("name", "pk")
    )
    spans = CodedSpan.objects.filter(transcript__in=transcripts).select_related("code")
    users: dict[str, str] = {}
    by_transcript: dict[int, dict[tuple[int, int, str], list[CodedSpan]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for span in spans.order_by("start", "end", "pk"):
        users[_g(span.coder_guid)] = span.coder_name
        by_transcript[span.transcript_id][(span.start, span.end, _g(span.coder_guid))].append(span)
    sources = []
    for transcript in transcripts:
        selections = []
        for (start, end, coder), group in by_transcript[transcript.pk].items():
            selections.append(
                QdaSelection(
                    guid=_g(group[0].guid),
                    start=start,
                    end=end,
                    name=transcript.text[start:end][:60],
                    user_guid=coder,
                    codings=tuple(
                        QdaCoding(
                            guid=_g(s.coding_guid), code_guid=_g(s.code.guid), user_guid=coder
                        )
                        for s in group
                    ),
                )
            )
        sources.append(
            QdaSource(
                guid=_g(transcript.guid),
                name=transcript.name,
                text=transcript.text,
                selections=tuple(selections),
            )
        )
    exported = {t.pk for t in transcripts}
    notes = []
    for memo in Memo.objects.filter(study=study).select_related("code", "span", "transcript"):
        if memo.transcript_id and memo.transcript_id not in exported:
            continue
        if memo.span is not None and memo.span.transcript_id not in exported:
            continue
        target = memo.code or memo.transcript
        target_guid = _g(memo.span.guid) if memo.span else (_g(target.guid) if target else None)
        notes.append(
            QdaNote(
                guid=_g(memo.guid),
                name=memo.title or memo.text[:40],
                text=memo.text,
                target_guids=(target_guid,) if target_guid else (),
            )
        )
    return QdaProject(
        name=study.title,
        origin=ORIGIN,
        users=tuple(QdaUser(guid=g, name=n) for g, n in sorted(users.items())),
        codes=_codes(study),
        sources=tuple(sources),
        notes=tuple(notes),
        sets=_sets(study),
    )


def study_qdpx(actor: Actor, study: Study) -> bytes:
    data = write_qdpx(study_project(actor, study))
    audit_record(actor=actor, action="evaluation.export_qdpx", target=study, fields=["project"])
    return data


def study_qdc(actor: Actor, study: Study) -> bytes:
    data = write_qdc(_codes(study), sets=_sets(study), origin=ORIGIN)
    audit_record(actor=actor, action="evaluation.export_qdc", target=study, fields=["codebook"])
    return data


def _unique_slug(name: str) -> str:
    base = (slugify(name) or "imported-study")[:70]
    slug, n = base, 1
    while Study.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _unique_label(name: str, taken: set[str]) -> str:
    base = (name or "Source")[:34]
    label, n = base, 1
    while label in taken:
        n += 1
        label = f"{base} {n}"
    taken.add(label)
    return label


def study_import_qdpx(
    *, actor: Actor, data: bytes, slug: str | None = None, title: str | None = None
) -> tuple[Study, tuple[str, ...]]:
    """A new study from a .qdpx file, all or nothing. Returns it and what was skipped.

    Raises ValidationError (naming what is wrong) on a file that is not a valid project.
    Coders are matched to team analysts by name; others keep their REFI-QDA name and guid.
    """
    from alongside.accounts import policy

    if actor is not SYSTEM and not policy.service_ids(actor, "evaluation.view"):
        from django.http import Http404

        raise Http404("Not found")
    try:
        project = read_qdpx(data)
    except QdaError as error:
        raise ValidationError(
            {"file": f"This is not a project Alongside can import: {error}"}
        ) from error
    codes_by_guid: dict[str, Code] = {}
    user_names = {u.guid.lower(): u.name for u in project.users}
    with transaction.atomic():
        study = Study.objects.create(
            slug=slug or _unique_slug(project.name),
            title=(title or project.name or "Imported study")[:200],
        )
        if actor is not SYSTEM:
            TeamMember.objects.create(study=study, user=actor, role=TeamRole.LEAD)
            study.services.set(
                study.services.model.objects.filter(
                    pk__in=policy.service_ids(actor, "evaluation.view")
                )
            )
        accounts = {
            m.user.display_name: m.user
            for m in TeamMember.objects.filter(study=study).select_related("user")
        }

        def add(code: QdaCode, parent: Code | None) -> None:
            made = Code.objects.create(
                study=study,
                parent=parent,
                name=code.name[:120] or "(unnamed code)",
                description=code.description,
                colour=code.color if code.color and len(code.color) == 7 else "#1d70b8",
                guid=uuid.UUID(code.guid),
            )
            codes_by_guid[code.guid.lower()] = made
            for child in code.children:
                add(child, made)

        for top in project.codes:
            add(top, None)
        taken: set[str] = set()
        targets: dict[str, dict[str, Any]] = {}
        for source in project.sources:
            participant = Participant.objects.create(
                study=study, label=_unique_label(source.name, taken), group=Group.OTHER
            )
            interview = Interview.objects.create(participant=participant)
            transcript = Transcript.objects.create(
                study=study,
                interview=interview,
                name=source.name[:200] or "Source",
                text=source.text,
                guid=uuid.UUID(source.guid),
                deidentified=True,
            )
            targets[source.guid.lower()] = {"transcript": transcript}
            for selection in source.selections:
                first = None
                for coding in selection.codings:
                    code = codes_by_guid.get(coding.code_guid.lower())
                    if code is None:
                        raise ValidationError(
                            {
                                "file": f"Selection {selection.guid} uses code {coding.code_guid}, "
                                "which is not in the codebook."
                            }
                        )
                    coder = coding.user_guid or selection.user_guid or str(uuid.UUID(int=0))
                    name = user_names.get(coder.lower(), "Unknown coder")
                    span = CodedSpan.objects.create(
                        transcript=transcript,
                        code=code,
                        coder=accounts.get(name),
                        coder_guid=uuid.UUID(coder),
                        coder_name=name[:200],
                        start=selection.start,
                        end=selection.end,
                        guid=uuid.UUID(selection.guid),
                        coding_guid=uuid.UUID(coding.guid),
                    )
                    first = first or span
                if first is not None:
                    targets[selection.guid.lower()] = {"span": first}
        for code_guid, code in codes_by_guid.items():
            targets[code_guid] = {"code": code}
        for note in project.notes:
            target = next(
                (targets[g.lower()] for g in note.target_guids if g.lower() in targets), {}
            )
            Memo.objects.create(
                study=study,
                author=policy.person(actor),
                title=note.name[:200],
                text=note.text,
                guid=uuid.UUID(note.guid),
                **target,
            )
        themes_by_guid: dict[str, Theme] = {}
        parents: dict[str, str] = {}
        for qset in project.sets:
            description, parent_guid = split_set_description(qset.description)
            theme = Theme.objects.create(
                study=study,
                name=qset.name[:200],
                description=description,
                guid=uuid.UUID(qset.guid),
            )
            theme.codes.set(
                [codes_by_guid[g.lower()] for g in qset.code_guids if g.lower() in codes_by_guid]
            )
            themes_by_guid[qset.guid.lower()] = theme
            if parent_guid is not None:
                parents[qset.guid.lower()] = parent_guid
        for child_guid, parent_guid in parents.items():
            # A parent missing from the file, or a loop, leaves the theme at the top level.
            node: str | None = parent_guid
            seen = {child_guid}
            while node is not None and node not in seen and node in themes_by_guid:
                seen.add(node)
                node = parents.get(node)
            if parent_guid in themes_by_guid and node is None:
                child = themes_by_guid[child_guid]
                child.parent = themes_by_guid[parent_guid]
                child.save(update_fields=["parent"])
        audit_record(
            actor=actor,
            action="evaluation.import_qdpx",
            target=study,
            fields=["codes", "transcripts", "spans", "memos", "themes"],
        )
    return study, project.skipped
