"""Extension points other apps plug into, so privacy never imports them.

``RETENTION_SOURCES``: a source lists the subjects of a service whose retention has
run out. Patients and mentors are registered by this app; the evaluation app registers
its own (e.g. interview transcripts per the study's approval) from its ``ready()``::

    from alongside.privacy.registry import RETENTION_SOURCES, RetentionSource
    RETENTION_SOURCES.register(RetentionSource("evaluation.transcripts", my_finder))

``ERASURE_STEPS``: called inside the erasure's one transaction with the subject being
erased, for data the generic walk cannot reach (no foreign key to the subject); each
returns how many rows it changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from alongside.hooks import Hook


@dataclass(frozen=True)
class Overdue:
    """One subject past retention: what the confirmation page shows."""

    subject_type: str  # "patient" or "mentor"
    subject_id: int
    due_since: dt.date
    reason: str  # plain words, e.g. "discharged 2018-03-01; kept 7 years"


@dataclass(frozen=True)
class RetentionSource:
    name: str
    # (service, today) -> the subjects of that service past retention
    find: Callable[[Any, dt.date], Iterable[Overdue]]


RETENTION_SOURCES: Hook[RetentionSource] = Hook(
    "retention_sources", "lists a service's records past their retention period"
)

ERASURE_STEPS: Hook[Callable[[Any], int]] = Hook(
    "erasure_steps", "anonymises, inside an erasure, data the generic walk cannot reach"
)
