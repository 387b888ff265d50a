"""Pseudonymous ids and date shifts for analysts and the research export.

An id is a keyed hash (HMAC-SHA256) of the record's type and primary key under
a key derived per service from ``ALONGSIDE_RESEARCH_KEY`` (falling back to the
secret key): stable across files and exports, different between services, and
not reversible without the key. The date shift of a person comes from the same
key, so every date of one person moves by the same number of days.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.conf import settings


def _service_key(service_id: int) -> bytes:
    master = (getattr(settings, "ALONGSIDE_RESEARCH_KEY", "") or settings.SECRET_KEY).encode()
    return hmac.new(master, f"alongside-research:service:{service_id}".encode(), "sha256").digest()


class Pseudonymiser:
    PREFIXES = {"patient": "P", "mentor": "M", "match": "X", "contact": "C", "response": "Q"}

    def __init__(self, service: Any) -> None:
        self.service_id = service.pk
        self._key = _service_key(service.pk)

    def _digest(self, kind: str, pk: int) -> bytes:
        return hmac.new(self._key, f"{kind}:{pk}".encode(), hashlib.sha256).digest()

    def id(self, kind: str, pk: int | None) -> str:
        if pk is None:
            return ""
        return self.PREFIXES.get(kind, "R") + self._digest(kind, pk).hex()[:16].upper()

    def shift_days(self, kind: str, pk: int, max_days: int) -> int:
        """A number of days in [-max_days, max_days], never 0, the same for every call."""
        if max_days < 1:
            return 0
        value = int.from_bytes(self._digest(f"shift:{kind}", pk)[:4], "big") % (2 * max_days)
        # 0 .. 2max-1 -> -max .. -1, 1 .. max: a shift of 0 would leave the real dates.
        return value - max_days if value < max_days else value - max_days + 1
