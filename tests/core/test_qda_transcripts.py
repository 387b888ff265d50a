"""Transcript import (alongside.core.qda.transcripts): real files made by their own libraries."""

import io
import zipfile
from datetime import timedelta

import docx
import pytest
import srt
import webvtt

from alongside.core.qda import QdaError
from alongside.core.qda.transcripts import Turn, transcript_from_bytes, transcript_from_text


def spoken(transcript):
    return [(t.speaker, transcript.text[t.start : t.end], t.started_at) for t in transcript.turns]


def test_speaker_lines_become_turns_and_continuations_stay_in_them():
    transcript = transcript_from_text(
        "Recorded at the clinic.\r\n\r\nInterviewer: How was it?\r\n"
        "P1: Good. At 10:30 we met.\r\n\r\nIt helped.\r\n[00:01:02] Peer mentor 2: Yes"
    )
    assert "\r" not in transcript.text
    assert spoken(transcript) == [
        (None, "Recorded at the clinic.", None),
        ("Interviewer", "Interviewer: How was it?", None),
        ("P1", "P1: Good. At 10:30 we met.\n\nIt helped.", None),
        ("Peer mentor 2", "[00:01:02] Peer mentor 2: Yes", 62.0),
    ]


def test_text_without_speakers_gets_a_turn_per_paragraph():
    transcript = transcript_from_text(
        "First thought,\nstill first.\n\nThe second thought was this: no label"
    )
    assert [transcript.text[t.start : t.end] for t in transcript.turns] == [
        "First thought,\nstill first.",
        "The second thought was this: no label",
    ]
    assert all(t.speaker is None for t in transcript.turns)


def test_a_docx_made_by_python_docx():
    document = docx.Document()
    document.add_paragraph("Interviewer: What did your mentor do?")
    document.add_paragraph("Patient 3: He came to the ward — twice a week.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Interviewer"
    table.rows[0].cells[1].text = "And after?"
    buffer = io.BytesIO()
    document.save(buffer)
    transcript = transcript_from_bytes("interview.DOCX", buffer.getvalue())
    assert spoken(transcript) == [
        ("Interviewer", "Interviewer: What did your mentor do?", None),
        ("Patient 3", "Patient 3: He came to the ward — twice a week.", None),
        ("Interviewer", "Interviewer: And after?", None),
    ]


def test_a_vtt_with_voice_tags_keeps_speakers_and_timestamps():
    vtt = webvtt.WebVTT()
    for start, end, text in [
        ("00:00:01.000", "00:00:03.000", "<v Interviewer>How did it start?"),
        ("00:01:05.500", "00:01:08.000", "<v Ana Ødegård>It started"),
        ("00:01:08.000", "00:01:09.000", "<v Ana Ødegård>with a phone call."),
        ("00:01:10.000", "00:01:11.000", "Interviewer: Thanks."),
    ]:
        vtt.captions.append(webvtt.Caption(start, end, text))
    transcript = transcript_from_bytes("call.vtt", vtt.content.encode("utf-8"))
    assert transcript.text == (
        "Interviewer: How did it start?\nAna Ødegård: It started with a phone call.\n"
        "Interviewer: Thanks."
    )
    assert [(t.speaker, t.started_at) for t in transcript.turns] == [
        ("Interviewer", 1.0),
        ("Ana Ødegård", 65.5),
        ("Interviewer", 70.0),
    ]


def test_an_srt_with_speaker_prefixes_keeps_speakers_and_timestamps():
    subtitles = [
        srt.Subtitle(1, timedelta(seconds=2), timedelta(seconds=4), "Mentor: I was\nin hospital"),
        srt.Subtitle(2, timedelta(seconds=4), timedelta(seconds=5), "too."),
        srt.Subtitle(3, timedelta(minutes=2, milliseconds=250), timedelta(minutes=3), "[P2] Yes."),
    ]
    transcript = transcript_from_bytes("session.srt", srt.compose(subtitles).encode("utf-8"))
    assert spoken(transcript) == [
        ("Mentor", "Mentor: I was in hospital too.", 2.0),
        ("P2", "P2: Yes.", 120.25),
    ]


def test_utf16_text_with_a_byte_order_mark():
    text = "Interviewer: Ça va?\nP1: Très bien 😀"
    for encoding in ("utf-16", "utf-16-be", "utf-32"):
        data = text.encode(encoding)
        if encoding == "utf-16-be":
            data = b"\xfe\xff" + data
        transcript = transcript_from_bytes("notes.txt", data)
        assert transcript.text == text
        assert transcript.turns[1] == Turn("P1", 20, len(text))


def test_undecodable_bytes_are_refused():
    with pytest.raises(QdaError, match="not in a text encoding Alongside can read"):
        transcript_from_bytes("old.txt", "Señora Muñoz".encode("cp1252"))
    with pytest.raises(QdaError, match="UTF-16 without a byte-order mark"):
        transcript_from_bytes("old.txt", "Hello".encode("utf-16-le"))
    with pytest.raises(QdaError, match="empty"):
        transcript_from_bytes("blank.txt", b"  \n")


def test_bad_files_are_refused_with_their_name():
    with pytest.raises(QdaError, match="interview.docx is not a ZIP"):
        transcript_from_bytes("interview.docx", b"plain text")
    with pytest.raises(QdaError, match="call.vtt is not a valid WebVTT"):
        transcript_from_bytes("call.vtt", b"no header here")
    with pytest.raises(QdaError, match=r"session.srt is not a valid SubRip"):
        transcript_from_bytes("session.srt", b"1\nnot a time\nhello\n")
    with pytest.raises(QdaError, match=r"\.txt, \.docx, \.vtt or \.srt"):
        transcript_from_bytes("audio.mp3", b"ID3")


def test_a_docx_zip_bomb_is_refused_before_python_docx_opens_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * 5_000_000)
    with pytest.raises(QdaError, match="big.docx: .*ZIP bomb"):
        transcript_from_bytes("big.docx", buffer.getvalue())
