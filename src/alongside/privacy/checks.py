"""`check --deploy` warns when free text is encrypted with the derivable development key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def field_keys_are_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.ALONGSIDE_FIELD_DEVELOPMENT_KEY:
        return []
    return [
        checks.Warning(
            "ALONGSIDE_FIELD_KEYS is not set: notes, reflections and transcripts are "
            "encrypted with a development key that anyone can derive.",
            hint="Set ALONGSIDE_FIELD_KEYS (or ALONGSIDE_FIELD_KEYS_FILE) to a Fernet key "
            "(see docs/deployment.md, Field keys).",
            id="alongside.privacy.W001",
        )
    ]
