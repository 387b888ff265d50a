"""The REFI-QDA project as plain frozen values, shared by import, export and the app.

The shapes follow QDA-XML 1.0 element by element so that nothing has to be
guessed in translation; only text sources are modelled because Alongside's
evaluation works on interview transcripts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass


class QdaError(ValueError):
    """A file or value cannot be exchanged; the message names the element, row or file."""


@dataclass(frozen=True)
class QdaUser:
    guid: str
    name: str


@dataclass(frozen=True)
class QdaCode:
    guid: str
    name: str
    description: str = ""
    color: str | None = None  # "#RRGGBB"
    children: tuple[QdaCode, ...] = ()
    # Other tools use non-codable codes as folders; kept so a round trip does
    # not make a folder codable.
    is_codable: bool = True

    def walk(self) -> Iterator[QdaCode]:
        """This code and every descendant, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class QdaCoding:
    guid: str
    code_guid: str
    user_guid: str | None = None


@dataclass(frozen=True)
class QdaSelection:
    """A span of a source; positions count Unicode code points, end exclusive."""

    guid: str
    start: int
    end: int
    name: str = ""
    user_guid: str | None = None
    codings: tuple[QdaCoding, ...] = ()


@dataclass(frozen=True)
class QdaNote:
    """A memo; ``target_guids`` are the codes, sources, selections or codings it is about.

    QDA-XML records the link as a NoteRef inside each target, so on import
    the targets come back in document order (codes, then each source's
    selections and codings, then the source); the order carries no meaning.
    """

    guid: str
    name: str
    text: str
    user_guid: str | None = None
    target_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaSource:
    guid: str
    name: str
    text: str
    selections: tuple[QdaSelection, ...] = ()
    # Codings of the whole source (TextSource/Coding), which some tools use
    # for "this interview is about X"; kept so they are not lost on import.
    codings: tuple[QdaCoding, ...] = ()


@dataclass(frozen=True)
class QdaSet:
    guid: str
    name: str
    description: str = ""
    code_guids: tuple[str, ...] = ()


@dataclass(frozen=True)
class QdaProject:
    name: str
    origin: str
    users: tuple[QdaUser, ...]
    codes: tuple[QdaCode, ...]
    sources: tuple[QdaSource, ...]
    notes: tuple[QdaNote, ...] = ()
    sets: tuple[QdaSet, ...] = ()
    # Plain-language notes about parts of an imported file Alongside does not
    # model (picture/PDF/audio/video sources, variables, cases, links,
    # graphs), so the importer can tell the analyst instead of dropping them
    # silently. Never written on export.
    skipped: tuple[str, ...] = ()

    def all_codes(self) -> Iterator[QdaCode]:
        for code in self.codes:
            yield from code.walk()
