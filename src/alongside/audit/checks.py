"""`check --deploy` warns when the audit chain runs on the derivable development key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def audit_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if not settings.ALONGSIDE_AUDIT_DEVELOPMENT_KEY:
        return []
    return [
        checks.Warning(
            "ALONGSIDE_AUDIT_KEY is not set: the audit chain uses a development key "
            "that anyone can derive, so it is not forgery-proof.",
            hint="Set ALONGSIDE_AUDIT_KEY (or ALONGSIDE_AUDIT_KEY_FILE) to 32+ random characters.",
            id="alongside.audit.W001",
        )
    ]
