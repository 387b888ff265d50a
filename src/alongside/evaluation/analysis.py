"""What the analysis pages show: agreement between blinded coders, co-occurrence,
code frequency by group, and the themes written out for the report.

The statistics come from ``alongside.core.qda`` (units, agreement, co-occurrence);
this module only gathers the study's spans for them. Withdrawn participants'
transcripts are never included.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from typing import Any

from alongside.evaluation import selectors
from alongside.evaluation.models import (
    CodedSpan,
    CodingAssignment,
    Group,
    Study,
    Transcript,
    coder_guid,
)
from alongside.evaluation.selectors import ThemeNode

# Themes for the write-up -----------------------------------------------------------------


def _walk(nodes: list[ThemeNode], depth: int = 0):  # type: ignore[no-untyped-def]
    for node in nodes:
        yield node, depth
        yield from _walk(node.children, depth + 1)


def themes_markdown(study: Study, tree: list[ThemeNode]) -> str:
    lines = [f"# {study.title}: themes", ""]
    for node, depth in _walk(tree):
        lines += [f"{'#' * min(6, depth + 2)} {node.theme.name}", ""]
        if node.theme.description:
            lines += [node.theme.description, ""]
        for code, excerpts in node.codes:
            lines += [f"{'#' * min(6, depth + 3)} {code.name}", ""]
            for excerpt in excerpts:
                quoted = " ".join(excerpt.text.split())
                lines.append(f"> {quoted} — {excerpt.participant} ({excerpt.group})")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def themes_docx(study: Study, tree: list[ThemeNode]) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = f"{study.title}: themes"
    document.add_heading(f"{study.title}: themes", level=0)
    for node, depth in _walk(tree):
        document.add_heading(node.theme.name, level=min(9, depth + 1))
        if node.theme.description:
            document.add_paragraph(node.theme.description)
        for code, excerpts in node.codes:
            document.add_heading(code.name, level=min(9, depth + 2))
            for excerpt in excerpts:
                paragraph = document.add_paragraph(style="Quote")
                paragraph.add_run(" ".join(excerpt.text.split()))
                paragraph.add_run(f" — {excerpt.participant} ({excerpt.group})").italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Blinded coding: agreement and disagreements --------------------------------------------


def _turns(transcript: Transcript) -> tuple[Any, ...]:
    from alongside.core.qda.transcripts import Turn

    return tuple(
        Turn(
            speaker=t.get("speaker"), start=t["start"], end=t["end"], started_at=t.get("started_at")
        )
        for t in transcript.turns
    )


def _coding_by_transcript(
    transcripts: list[Transcript],
) -> tuple[dict[int, dict[str, dict[str, list[tuple[int, int]]]]], dict[str, str]]:
    """transcript pk -> coder guid -> code pk (as text) -> spans; and coder guid -> name."""
    coding: dict[int, dict[str, dict[str, list[tuple[int, int]]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    names: dict[str, str] = {}
    spans = CodedSpan.objects.filter(transcript__in=transcripts).values_list(
        "transcript_id", "coder_guid", "coder_name", "code_id", "start", "end"
    )
    for transcript_id, guid, name, code_id, start, end in spans:
        coding[transcript_id][str(guid)][str(code_id)].append((start, end))
        names[str(guid)] = name
    return coding, names


def study_agreement(user: Any, study: Study, unit: str) -> dict[str, Any]:
    """Agreement per code and overall, on transcripts that two or more coders coded."""
    from alongside.core.qda.units import CodedTranscript, agreement_by_code

    transcripts = list(selectors.transcripts_for(user, study, analysed_only=True))
    coding, names = _coding_by_transcript(transcripts)
    # A coder assigned a transcript who coded nothing in it said "no" to every unit.
    assigned: dict[int, set[str]] = defaultdict(set)
    for assignment in CodingAssignment.objects.filter(transcript__in=transcripts).select_related(
        "coder"
    ):
        guid = str(coder_guid(assignment.coder))
        assigned[assignment.transcript_id].add(guid)
        names.setdefault(guid, assignment.coder.display_name)

    def coders_of(t: Transcript) -> set[str]:
        return set(coding.get(t.pk, {})) | assigned[t.pk]

    shared = [t for t in transcripts if len(coders_of(t)) >= 2]
    if not shared:
        return {"rows": [], "coders": [], "transcripts": 0}
    coders = sorted({g for t in shared for g in coders_of(t)}, key=lambda g: names[g])
    coded = [
        CodedTranscript(
            text=t.text,
            # A coder neither assigned nor coding this transcript is missing (None).
            coding={
                g: dict(coding[t.pk][g])
                if g in coding.get(t.pk, {})
                else {}
                if g in assigned[t.pk]
                else None
                for g in coders
            },
            turns=_turns(t),
        )
        for t in shared
    ]
    code_names = dict(study.codes.values_list("pk", "name"))
    used = sorted(
        {c for t in shared for by in coding[t.pk].values() for c in by},
        key=lambda c: code_names.get(int(c), ""),
    )
    report = agreement_by_code(coded, unit, used)

    def row(name: str, agreement: Any, overall: bool = False) -> dict[str, Any]:
        def number(value: float | None) -> float | None:
            return None if value is None or value != value else value  # NaN: not measurable

        percent = number(agreement.percent)
        return {
            "name": name,
            "units": agreement.units,
            "percent": None if percent is None else percent * 100,
            "kappa": number(agreement.kappa),
            "alpha": number(agreement.alpha),
            "overall": overall,
        }

    rows = [row(code_names.get(int(c), c), report.by_code[c]) for c in used]
    rows.append(row("All codes", report.overall, overall=True))
    return {"rows": rows, "coders": [names[g] for g in coders], "transcripts": len(shared)}


def side_by_side(transcript: Transcript) -> dict[str, Any]:
    """Each sentence with the codes each coder gave it (the lead's disagreement view)."""
    from alongside.core.qda.units import unit_bounds

    coding, names = _coding_by_transcript([transcript])
    by_coder = coding.get(transcript.pk, {})
    coders = sorted(by_coder, key=lambda g: names[g])
    code_names = dict(transcript.study.codes.values_list("pk", "name"))
    rows = []
    for start, end in unit_bounds(transcript.text, "sentence", _turns(transcript)):
        codes = []
        for guid in coders:
            given = sorted(
                code_names.get(int(code), code)
                for code, spans in by_coder[guid].items()
                if any(s < end and start < e for s, e in spans)
            )
            codes.append(given)
        if any(codes):
            rows.append(
                {
                    "text": transcript.text[start:end],
                    "codes": codes,
                    "agree": all(c == codes[0] for c in codes),
                }
            )
    return {"coders": [names[g] for g in coders], "rows": rows}


# Co-occurrence and frequency ------------------------------------------------------------


def _analysed_spans(user: Any, study: Study) -> list[tuple[int, str, int, int, str, str]]:
    spans = selectors.visible_spans(user, study).filter(
        transcript__interview__participant__withdrawn_at__isnull=True
    )
    return [
        (t, str(g), s, e, name, group)
        for t, g, s, e, name, group in spans.values_list(
            "transcript_id",
            "coder_guid",
            "start",
            "end",
            "code__name",
            "transcript__interview__participant__group",
        )
    ]


def cooccurrence_table(user: Any, study: Study) -> dict[str, Any]:
    """Code pairs on overlapping passages, counted within each coder's own coding (two
    coders' identical spans would otherwise double every pair), summed over coders."""
    from alongside.core.qda.cooccurrence import cooccurrence

    spans = _analysed_spans(user, study)
    counts = cooccurrence([(f"{t}:{g}", s, e, name) for t, g, s, e, name, _ in spans])
    pairs = sorted(((a, b, n) for (a, b), n in counts.items()), key=lambda p: (-p[2], p[0], p[1]))
    return {"pairs": pairs}


def cooccurrence_svg(table: dict[str, Any]) -> str:
    import pygal

    from alongside.reports.charts import chart, render

    drawn = chart(
        pygal.HorizontalBar,
        title="Codes applied together most often",
        x_title="Overlapping passages",
    )
    for a, b, n in table["pairs"][:12]:
        drawn.add(f"{a} + {b}", [n])
    return render(drawn)


def frequency_by_group(user: Any, study: Study) -> dict[str, Any]:
    counts: Counter[tuple[str, str]] = Counter()
    names: set[str] = set()
    for _, _, _, _, name, group in _analysed_spans(user, study):
        counts[(name, group)] += 1
        names.add(name)
    return {
        "groups": [label for _, label in Group.choices],
        "rows": [(n, [counts[(n, g)] for g, _ in Group.choices]) for n in sorted(names)],
    }
