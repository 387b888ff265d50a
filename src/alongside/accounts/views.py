from __future__ import annotations

import time

import segno
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.accounts import home as home_panels
from alongside.accounts import policy, selectors, services
from alongside.accounts.forms import (
    ApiTokenForm,
    PasswordRecheckForm,
    PasswordResetRequestForm,
    PersonInviteForm,
    TokenCodeForm,
)
from alongside.accounts.http import AuthenticatedHttpRequest
from alongside.accounts.scopes import usable_scopes
from alongside.config.client_ip import client_ip
from alongside.organisations.selectors import service_for_or_404


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    roles = policy.role_list(request.user)
    return render(
        request,
        "accounts/home.html",
        {"roles": roles, "panels": home_panels.panels_for(request, roles)},
    )


# How long a re-typed password lets the person go on to scan the QR code.
PASSWORD_RECHECK_KEY = "alongside_2fa_password_rechecked_at"  # noqa: S105 - a session key
PASSWORD_RECHECK_SECONDS = 10 * 60


def _password_rechecked(request: HttpRequest) -> bool:
    checked_at = request.session.get(PASSWORD_RECHECK_KEY)
    if not isinstance(checked_at, int | float):
        return False
    return 0 <= time.time() - checked_at < PASSWORD_RECHECK_SECONDS


@login_required
def second_factor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # django_otp.middleware.OTPMiddleware adds is_verified to the user of each request.
    session_verified = bool(user.is_verified())  # type: ignore[attr-defined]
    has_confirmed_device = user_has_device(user, confirmed=True)
    if has_confirmed_device and not session_verified:
        # The password alone must never mint a new second factor: prove the old one first.
        return redirect("accounts:2fa_verify")
    rechecked = _password_rechecked(request)
    if not policy.may_enrol_second_factor(
        has_confirmed_device=has_confirmed_device,
        session_verified=session_verified,
        password_rechecked=rechecked,
    ):
        return _second_factor_password_step(request)

    proof = {"session_verified": session_verified, "password_rechecked": rechecked}
    device = services.totp_device_start(user=user, **proof)
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_device_confirm(
            user=user, device=device, token=form.cleaned_data["token"], **proof
        ):
            request.session.pop(PASSWORD_RECHECK_KEY, None)
            otp_login(request, device)
            messages.success(request, "Two-step sign-in is on for your account.")
            return redirect("accounts:home")
        form.add_error(
            "token", "That code did not match. Check the time on your phone and try again."
        )
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/2fa_setup.html",
        {
            "form": form,
            "replacing": has_confirmed_device,
            "qr_svg": qr.svg_inline(scale=4, title="QR code for your authenticator app"),
            "secret": _base32(device),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _second_factor_password_step(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A first device needs the password typed again; failures count towards lockout."""
    form = PasswordRecheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        checked = authenticate(
            request, username=request.user.email, password=form.cleaned_data["password"]
        )
        if checked is not None and checked.pk == request.user.pk:
            request.session[PASSWORD_RECHECK_KEY] = time.time()
            return redirect("accounts:2fa_setup")
        form.add_error("password", "That is not your password. Check it and try again.")
    return render(
        request,
        "accounts/2fa_setup.html",
        {"password_form": form},
        status=400 if form.errors else 200,
    )


def _base32(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode().rstrip("=")


@login_required
def second_factor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = reverse("accounts:home")
            return redirect(target)
        form.add_error(
            "token", "That code did not match. Codes change every 30 seconds; try the new one."
        )
    return render(
        request, "accounts/2fa_verify.html", {"form": form}, status=400 if form.errors else 200
    )


def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_reset_request(
                email=form.cleaned_data["email"],
                client_ip=client_ip(request),
                domain=request.get_host(),
                use_https=request.is_secure(),
            )
        except services.TooManyResetRequests as error:
            form.add_error(None, str(error))
            return render(request, "accounts/password_reset.html", {"form": form}, status=429)
        return redirect("accounts:password_reset_done")
    return render(
        request, "accounts/password_reset.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    usable = usable_scopes(policy.roles(request.user))
    form = ApiTokenForm(request.POST or None, usable=usable)
    new_token, new_secret = None, None
    if request.method == "POST" and form.is_valid():
        new_token, new_secret = services.api_token_issue(
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            scopes=form.cleaned_data["scopes"],
        )
        form = ApiTokenForm(usable=usable)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(request.user),
            "new_token": new_token,
            "new_secret": new_secret,
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_of_or_404(request.user, token_id)
    services.api_token_revoke(user=request.user, token=token)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("accounts:tokens")


@login_required
def people(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "membership.manage")
    form = PersonInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = services.person_invite(
            actor=request.user,
            service=service,
            base_url=request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        messages.success(
            request, f"{membership.user.email} is now {membership.get_role_display().lower()}."
        )
        return redirect("accounts:people", slug=slug)
    return render(
        request,
        "accounts/people.html",
        {
            "service": service,
            "form": form,
            "memberships": selectors.memberships_of_service(service.pk),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_remove(
    request: AuthenticatedHttpRequest, slug: str, membership_id: int
) -> HttpResponse:
    service = service_for_or_404(request.user, slug, "membership.manage")
    membership = selectors.membership_in_service_or_404(service.pk, membership_id)
    try:
        services.membership_revoke(actor=request.user, membership=membership)
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{membership.user.email} no longer has that role.")
    return redirect("accounts:people", slug=slug)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
