"""Reading untrusted ZIP archives (.qdpx, .docx) without letting them exhaust memory or disk.

We never extract to disk, but member names are still checked: a name that
climbs out of the archive is a sign of a crafted file, and another tool may
extract the same file later.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from alongside.core.qda.project import QdaError

# Deflate cannot exceed about 1032:1; real XML and transcripts stay well under
# 100:1. Small members are exempt because a tiny file of repeated spaces can
# legitimately compress very well and cannot do harm.
MAX_RATIO = 200
RATIO_EXEMPT_BYTES = 1_000_000
_CHUNK = 1 << 16


@dataclass
class Archive:
    """A ZIP whose declared sizes have been checked; members read with a running budget."""

    label: str
    zip: zipfile.ZipFile
    budget: int

    def names(self) -> set[str]:
        return {info.filename for info in self.zip.infolist()}

    def read(self, name: str) -> bytes:
        """Read a member, refusing one that inflates past its declared size or the budget."""
        info = self.zip.getinfo(name)
        limit = min(info.file_size, self.budget)
        out = bytearray()
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    if len(out) > limit:
                        raise QdaError(
                            f"{self.label}: {name} inflates beyond its declared size; "
                            "the archive looks like a ZIP bomb"
                        )
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise QdaError(f"{self.label}: {name} is damaged ({exc})") from None
        self.budget -= len(out)
        return bytes(out)


def open_archive(data: bytes, *, label: str, max_uncompressed: int) -> Archive:
    """Open ``data`` as a ZIP, checking names, encryption, declared sizes and ratios first."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise QdaError(f"{label} is not a ZIP archive") from None
    total = 0
    for info in infos:
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
            raise QdaError(f"{label}: the entry {name!r} points outside the archive")
        if info.flag_bits & 0x1:
            raise QdaError(f"{label}: the entry {name!r} is encrypted")
        if info.file_size > RATIO_EXEMPT_BYTES and (
            info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise QdaError(
                f"{label}: the entry {name!r} claims {info.file_size} bytes from "
                f"{info.compress_size}; the archive looks like a ZIP bomb"
            )
        total += info.file_size
    if total > max_uncompressed:
        raise QdaError(
            f"{label} would unpack to {total} bytes, more than the limit of "
            f"{max_uncompressed}; the archive is too large or a ZIP bomb"
        )
    return Archive(label, archive, max_uncompressed)
