"""One spelling of an e-mail address for sign-in and lockout.

Sign-in matches e-mail case-insensitively; lockout must count the same
account whichever way it was typed, or each case variant gets its own five
guesses.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def normalise_email(raw: str | None) -> str:
    return (raw or "").strip().lower()


def lockout_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """AXES_USERNAME_CALLABLE: the normalised e-mail, from credentials or the posted form."""
    if credentials:
        return normalise_email(credentials.get("username") or credentials.get("email"))
    data = getattr(request, "POST", None) or {}
    return normalise_email(data.get("username"))
