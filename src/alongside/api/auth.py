from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from alongside.accounts.selectors import user_for_api_token


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>`; tokens are issued per user (UI or `issue_token`)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is None:
            return None
        request.user = user
        return user
