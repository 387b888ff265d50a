"""Interview transcripts from pasted text, .txt, .docx, .vtt and .srt, with speaker turns.

The text a transcript ends up with is what coding offsets point into, so it
is built once here and never re-derived: line ends are normalised to LF
(forms send CRLF, files vary; one CR more or less would shift every later
span), caption timestamps are kept on the turns rather than in the text, and
nothing else is changed.
"""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from alongside.core.qda.archive import open_archive
from alongside.core.qda.project import QdaError

# A docx is a ZIP; a transcript of a long interview is a few hundred KB.
MAX_DOCX_UNCOMPRESSED = 100_000_000


@dataclass(frozen=True)
class Turn:
    """One speaker's turn: ``text[start:end]``, label included; ``started_at`` in seconds."""

    speaker: str | None
    start: int
    end: int
    started_at: float | None = None


@dataclass(frozen=True)
class Transcript:
    text: str
    turns: tuple[Turn, ...]


# "Interviewer: ...", "P1: ...", "Peer mentor 2: ...", optionally after a
# timestamp such as "[00:01:02]". A label is at most four words and starts
# with a letter, so "10:30 we met" and long sentences with a colon are not
# mistaken for speakers. The colon must be followed by a space or line end.
_LABEL = r"[^\W\d_][\w'’.\-]*(?: [\w'’.\-]+){0,3}"
_SPEAKER_LINE = re.compile(
    r"^(?:\[?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]?\s+)?"
    rf"(?:(?P<speaker>{_LABEL})\s*:|\[(?P<bracketed>{_LABEL})\])(?=\s|$)"
)


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def _lines(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


def transcript_from_text(text: str) -> Transcript:
    """Turns from "Speaker: words" lines; lines without a label continue the current turn.

    Continuation lines (and blank lines between them) stay in the turn,
    because transcribers break long answers into paragraphs without
    repeating the speaker. Text with no labels at all gets one speaker-less
    turn per paragraph, the only structure the transcriber gave, so turn
    units still exist for agreement.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    labelled: list[Turn] = []
    current: Turn | None = None
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            continue
        content_end = start + len(line.rstrip())
        match = _SPEAKER_LINE.match(line)
        if match:
            if current is not None:
                labelled.append(current)
            stamp = match.group("ts")
            current = Turn(
                (match.group("speaker") or match.group("bracketed")).strip(),
                start,
                content_end,
                _seconds(stamp) if stamp else None,
            )
        elif current is None:
            current = Turn(None, start + len(line) - len(line.lstrip()), content_end)
        else:
            current = Turn(current.speaker, current.start, content_end, current.started_at)
    if current is not None:
        labelled.append(current)
    if any(turn.speaker for turn in labelled):
        return Transcript(text, tuple(labelled))
    return Transcript(text, tuple(_paragraphs(text)))


def _paragraphs(text: str) -> Iterator[Turn]:
    for match in re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", text):
        yield Turn(None, match.start(), match.start() + len(match.group().rstrip()))


def decode_text(filename: str, data: bytes) -> str:
    """Text from bytes: UTF-8 or UTF-16/32 with a byte-order mark, else refused.

    Guessing other encodings (cp1252, Latin-1) silently corrupts names and
    quotes in a transcript, which is worse than asking for UTF-8.
    """
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts the same way
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    )
    encoding = next((name for bom, name in boms if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise QdaError(
            f"{filename} is not in a text encoding Alongside can read; "
            "save it as UTF-8 (or UTF-16 with a byte-order mark) and try again"
        ) from None
    if "\x00" in text:
        raise QdaError(
            f"{filename} looks like UTF-16 without a byte-order mark; "
            "save it as UTF-8 and try again"
        )
    if not text.strip():
        raise QdaError(f"{filename} is empty")
    return text


@dataclass
class _Cue:
    speaker: str | None
    words: str
    started_at: float | None


def _from_cues(cues: list[_Cue]) -> Transcript:
    """One line per turn: consecutive cues of one speaker merge into a turn.

    Captions split speech every few seconds; a turn per cue would make
    "speaker turn" units meaningless. A cue without a speaker continues the
    previous turn, because caption files usually name the speaker only when
    it changes.
    """
    merged: list[_Cue] = []
    for cue in cues:
        if not cue.words:
            continue
        if merged and (cue.speaker is None or cue.speaker == merged[-1].speaker):
            merged[-1].words += " " + cue.words
        else:
            merged.append(_Cue(cue.speaker, cue.words, cue.started_at))
    parts: list[str] = []
    turns: list[Turn] = []
    offset = 0
    for cue in merged:
        line = f"{cue.speaker}: {cue.words}" if cue.speaker else cue.words
        turns.append(Turn(cue.speaker, offset, offset + len(line), cue.started_at))
        parts.append(line)
        offset += len(line) + 1
    return Transcript("\n".join(parts), tuple(turns))


def _split_speaker(content: str) -> tuple[str | None, str]:
    words = " ".join(content.split())
    match = _SPEAKER_LINE.match(words)
    if match and not match.group("ts"):
        return (match.group("speaker") or match.group("bracketed")).strip(), words[
            match.end() :
        ].strip()
    return None, words


def _from_vtt(filename: str, text: str) -> Transcript:
    import webvtt
    from webvtt.errors import MalformedFileError

    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except (MalformedFileError, ValueError) as exc:
        raise QdaError(f"{filename} is not a valid WebVTT file ({exc})") from None
    cues = []
    for caption in captions:
        speaker, words = (caption.voice, " ".join(caption.text.split()))
        if not speaker:
            speaker, words = _split_speaker(caption.text)
        cues.append(_Cue(speaker.strip() if speaker else None, words, _seconds(caption.start)))
    return _from_cues(cues)


def _from_srt(filename: str, text: str) -> Transcript:
    import srt

    try:
        subtitles = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise QdaError(f"{filename} is not a valid SubRip (.srt) file ({exc})") from None
    cues = []
    for subtitle in subtitles:
        speaker, words = _split_speaker(re.sub(r"<[^>]+>", "", subtitle.content))
        cues.append(_Cue(speaker, words, subtitle.start.total_seconds()))
    return _from_cues(cues)


def _from_docx(filename: str, data: bytes) -> Transcript:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    # python-docx unpacks the whole package into memory; check it first.
    open_archive(data, label=filename, max_uncompressed=MAX_DOCX_UNCOMPRESSED)
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                # Transcripts are often a table: speaker | what was said.
                for row in block.rows:
                    cells = [" ".join(cell.text.split()) for cell in row.cells]
                    cells = [c for i, c in enumerate(cells) if c and c not in cells[:i]]
                    if len(cells) >= 2:
                        lines.append(f"{cells[0]}: {' '.join(cells[1:])}")
                    elif cells:
                        lines.append(cells[0])
            else:
                lines.append(block.text)
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise QdaError(f"{filename} is not a Word (.docx) document ({exc})") from None
    text = "\n".join(lines)
    if not text.strip():
        raise QdaError(f"{filename} has no text")
    return transcript_from_text(text)


def transcript_from_bytes(filename: str, data: bytes) -> Transcript:
    """A transcript from an uploaded file, chosen by its extension (.txt, .docx, .vtt, .srt)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension == "docx":
        return _from_docx(filename, data)
    if extension in ("txt", "text"):
        return transcript_from_text(decode_text(filename, data))
    if extension == "vtt":
        return _from_vtt(filename, decode_text(filename, data))
    if extension == "srt":
        return _from_srt(filename, decode_text(filename, data))
    raise QdaError(f"{filename}: Alongside imports transcripts as .txt, .docx, .vtt or .srt files")
