"""Writing a benchmark's section of docs/performance.md (each script owns one heading)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "performance.md"


def write_section(text: str, heading: str, before: str | None = None) -> Path:
    """Replace the section under ``heading`` (up to the next ``## ``) with ``text``; a
    new one goes before the ``before`` heading when there is one, else at the end."""
    old = DOC.read_text() if DOC.exists() else "# Performance\n\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text, old)
    elif before and f"\n{before}\n" in old:
        new = old.replace(f"\n{before}\n", f"\n{text}{before}\n", 1)
    else:
        new = old.rstrip("\n") + "\n\n" + text
    DOC.write_text(new)
    return DOC
