"""Applying a set of field values to a record, the way every audited update does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def apply_changes(record: Any, values: Mapping[str, Any]) -> list[str]:
    """Set the values that differ and return their field names, for save() and the audit."""
    changed = [name for name, value in values.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, values[name])
    return changed
