"""Writes for people, memberships, second factors and API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.accounts import policy
from alongside.accounts.models import (
    TOKEN_DAYS_DEFAULT,
    TOKEN_DAYS_MAX,
    ApiToken,
    Membership,
    User,
    hash_token,
)
from alongside.accounts.policy import SYSTEM, Actor
from alongside.accounts.scopes import ALL_SCOPES, clean_scopes
from alongside.audit.services import audit_record
from alongside.core import person_details
from alongside.organisations.models import Service

TOKEN_PREFIX = "alg_"  # noqa: S105 - a visible prefix, not a secret


def user_create(
    *, email: str, password: str | None, full_name: str = "", actor: Actor = SYSTEM
) -> User:
    try:
        full_name = person_details.person_name(full_name)
    except ValueError as error:
        raise ValidationError({"full_name": str(error)}) from None
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit_record(actor=actor, action="user.create", target=user, fields=["email", "full_name"])
    return user


def membership_grant(
    *, user: User, service: Service, role: str, actor: Actor = SYSTEM
) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, service=service, role=role
        )
        if created:
            audit_record(actor=actor, action="membership.grant", target=membership, fields=["role"])
    policy.forget(user)
    return membership


class MembershipError(ValueError):
    """A membership change that would leave the service in a bad state."""


def person_invite(
    *, actor: User, service: Service, email: str, full_name: str, role: str, base_url: str
) -> Membership:
    """Give someone a role in a service, creating their account if needed.

    A new account has no password; the person gets an e-mail (sent by the task
    worker) with a one-time link to choose one.
    """
    policy.require(actor, "membership.manage", service)
    email = email.strip().lower()
    with transaction.atomic():
        user = User.objects.filter(email__iexact=email).first()
        created = user is None
        if user is None:
            user = user_create(email=email, password=None, full_name=full_name.strip(), actor=actor)
        membership = membership_grant(user=user, service=service, role=role, actor=actor)
        if created:
            password_link_send(
                user=user,
                base_url=base_url,
                subject=f"You have been added to {service.name} on Alongside",
                intro=f"{actor.display_name} added you to {service.name} on Alongside as "
                f"{membership.get_role_display().lower()}.",
            )
    return membership


def password_link(*, user: User, base_url: str) -> str:
    """A one-time link to choose a password: it stops working once the password is set
    (Django's token hashes the password and the last sign-in) or when it expires."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return base_url.rstrip("/") + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def password_link_send(*, user: User, base_url: str, subject: str, intro: str) -> None:
    """E-mail (by the task worker, after the transaction commits) a one-time link to
    choose a password. An account invitation, not a notification: the person has no
    preferences yet, and the link must never sit in an in-app inbox."""
    from alongside.notifications.tasks import send_account_email

    link = password_link(user=user, base_url=base_url)
    body = f"{intro}\n\nChoose your password here (the link works once):\n{link}\n"
    transaction.on_commit(
        lambda: send_account_email.enqueue(to=[user.email], subject=subject, body=body)
    )


def password_link_text(*, user: User, base_url: str, phone: str, intro: str) -> str:
    """Text (by the task worker, after the transaction commits) a one-time link to choose
    a password to ``phone`` (E.164). The link always fits: ``intro`` is shortened, never
    the link. Returns the text, for the caller's record of what was sent."""
    from alongside.notifications.sms import MAX_SMS_LENGTH
    from alongside.notifications.tasks import send_account_sms

    link = password_link(user=user, base_url=base_url)
    tail = f" Choose your password (the link works once): {link}"
    body = intro[: max(0, MAX_SMS_LENGTH - len(tail))].rstrip() + tail
    transaction.on_commit(lambda: send_account_sms.enqueue(to=phone, body=body))
    return body


def membership_revoke(*, actor: User, membership: Membership) -> None:
    policy.require(actor, "membership.manage", membership.service)
    if membership.user_id == actor.pk and membership.role == "admin":
        raise MembershipError("You cannot remove your own service-manager role.")
    with transaction.atomic():
        audit_record(actor=actor, action="membership.revoke", target=membership, fields=["role"])
        membership.delete()
    policy.forget(membership.user)


class TooManyResetRequests(Exception):
    """More password-reset requests for this address, or from this client, than allowed."""


def password_reset_request(
    *, email: str, client_ip: str | None, domain: str, use_https: bool
) -> None:
    """Queue a reset e-mail for the worker, which looks the account up.

    Nothing here depends on whether the account exists, so the answer and the
    time it takes tell an outsider nothing. Limited per address (someone's
    inbox is not flooded) and per client (addresses are not tried by the
    thousand), each per hour, counted before anything is queued.
    """
    from django.conf import settings

    from alongside.accounts import rate_limits
    from alongside.accounts.identity import normalise_email
    from alongside.accounts.tasks import password_reset_send

    email = normalise_email(email)
    address_ok = rate_limits.spend(
        "password_reset:address",
        email,
        limit=settings.ALONGSIDE_RESET_LIMIT_PER_ADDRESS,
        window_seconds=3600,
    )
    client_ok = rate_limits.spend(
        "password_reset:client",
        client_ip or "unknown",
        limit=settings.ALONGSIDE_RESET_LIMIT_PER_CLIENT,
        window_seconds=3600,
    )
    if not (address_ok and client_ok):
        raise TooManyResetRequests(
            "There have been too many requests to reset a password. Try again in an hour."
        )
    password_reset_send.enqueue(email=email, domain=domain, use_https=use_https)


class SecondFactorError(PermissionError):
    """Enrolling a device without the proof policy.may_enrol_second_factor asks for."""


def _require_enrolment_allowed(
    *, user: User, session_verified: bool, password_rechecked: bool
) -> None:
    has_confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    if not policy.may_enrol_second_factor(
        has_confirmed_device=has_confirmed,
        session_verified=session_verified,
        password_rechecked=password_rechecked,
    ):
        raise SecondFactorError(
            "Sign in with your current authenticator app before setting up a new one."
            if has_confirmed
            else "Enter your password again before setting up two-step sign-in."
        )


def totp_device_start(
    *, user: User, session_verified: bool, password_rechecked: bool
) -> TOTPDevice:
    """The unconfirmed device to show as a QR code until the first code proves it works.

    The same pending device is returned until it is confirmed, so the QR code
    does not change between showing the page and checking the code.
    """
    _require_enrolment_allowed(
        user=user, session_verified=session_verified, password_rechecked=password_rechecked
    )
    with transaction.atomic():
        pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk")
        device = pending.first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        else:
            pending.exclude(pk=device.pk).delete()
    return device


def totp_device_confirm(
    *,
    user: User,
    device: TOTPDevice,
    token: str,
    session_verified: bool,
    password_rechecked: bool,
) -> bool:
    """Confirm the pending device with its first code; it replaces any older device.

    The person is told by e-mail, so an enrolment they did not make is noticed.
    """
    from alongside.notifications.tasks import send_account_email

    _require_enrolment_allowed(
        user=user, session_verified=session_verified, password_rechecked=password_rechecked
    )
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        replaced, _ = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        audit_record(
            actor=user,
            action="auth.second_factor_enrolled",
            target=user,
            fields=["replaced_device"] if replaced else (),
        )
        when = timezone.now().strftime("%d %B %Y at %H:%M UTC")
        send_account_email.enqueue(
            to=[user.email],
            subject="Two-step sign-in was set up on your Alongside account",
            body=(
                f"An authenticator app was set up for two-step sign-in on your Alongside "
                f"account on {when}."
                + (" It replaces the app you used before." if replaced else "")
                + "\n\nIf this was not you, tell your service manager straight away: "
                "someone may know your password.\n"
            ),
        )
    return True


def api_token_issue(
    *,
    user: User,
    name: str,
    days: int = TOKEN_DAYS_DEFAULT,
    scopes: Iterable[str] = ALL_SCOPES,
) -> tuple[ApiToken, str]:
    """Create a token that works for ``days`` days, for ``scopes`` only (ValueError for an
    unknown scope or none); the secret is returned once, only its hash is kept."""
    if not 1 <= days <= TOKEN_DAYS_MAX:
        raise ValueError(f"A token lasts between 1 and {TOKEN_DAYS_MAX} days, not {days}.")
    chosen = clean_scopes(scopes)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip() or "API token",
            prefix=secret[:8],
            key_hash=hash_token(secret),
            expires_at=timezone.now() + timedelta(days=days),
            scopes=chosen,
        )
        audit_record(actor=user, action="api_token.issue", target=token, fields=["name", "scopes"])
    return token, secret


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="api_token.revoke", target=token)
