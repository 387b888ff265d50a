"""A real task for the worker tests: it notes each start and finish in a file.

Its first run stops for a long time (long enough to kill the worker in it); a
later run finishes at once. The notes say how many times it really ran.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django_tasks import task


@task()
def note_runs(*, notes: str, first_run_seconds: float) -> int:
    path = Path(notes)
    earlier = path.read_text().count("start") if path.exists() else 0
    with path.open("a") as stream:
        stream.write(f"start {os.getpid()}\n")
    if earlier == 0:
        time.sleep(first_run_seconds)
    with path.open("a") as stream:
        stream.write(f"end {os.getpid()}\n")
    return earlier + 1
