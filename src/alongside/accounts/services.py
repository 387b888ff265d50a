"""Writes for people, memberships, second factors and API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from alongside.accounts import policy
from alongside.accounts.models import ApiToken, Membership, User, hash_token
from alongside.audit.services import audit_record
from alongside.organisations.models import Service

TOKEN_PREFIX = "alg_"  # noqa: S105 - a visible prefix, not a secret


def user_create(
    *, email: str, password: str | None, full_name: str = "", actor: User | None = None
) -> User:
    with transaction.atomic():
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
        audit_record(actor=actor, action="user.create", target=user, fields=["email", "full_name"])
    return user


def membership_grant(
    *, user: User, service: Service, role: str, actor: User | None = None
) -> Membership:
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=user, service=service, role=role
        )
        if created:
            audit_record(actor=actor, action="membership.grant", target=membership, fields=["role"])
    policy.forget(user)
    return membership


def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed device to show as a QR code until the first code proves it works."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=user, action="auth.second_factor_enrolled", target=user)
    return True


def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is kept."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip() or "API token",
            prefix=secret[:8],
            key_hash=hash_token(secret),
        )
        audit_record(actor=user, action="api_token.issue", target=token, fields=["name"])
    return token, secret


def api_token_revoke(*, user: User, token: ApiToken) -> None:
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=user, action="api_token.revoke", target=token)
