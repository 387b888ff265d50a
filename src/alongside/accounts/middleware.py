"""Send staff who have not passed their second factor to enrol or verify."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django_otp import user_has_device

from alongside.accounts import policy

OPEN_PREFIXES = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/healthz", "/api/")


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.REQUIRE_2FA
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            # OTPMiddleware (before this one) adds is_verified to the user.
            and not user.is_verified()  # type: ignore[attr-defined]
            and policy.needs_second_factor(user)
        ):
            target = "accounts:2fa_verify" if user_has_device(user) else "accounts:2fa_setup"
            return redirect(target)
        return self.get_response(request)
