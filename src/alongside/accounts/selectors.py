"""Reads for accounts."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import ApiToken, Membership, Role, User, hash_token


def managers_of(service_id: int) -> list[User]:
    """A service's active managers: who hears what has nobody else to hear it."""
    return list(
        User.objects.filter(
            memberships__service_id=service_id, memberships__role=Role.ADMIN, is_active=True
        )
        .distinct()
        .order_by("email")
    )


def clinical_team_of(service_id: int) -> QuerySet[User]:
    """A service's active therapists and managers (``policy.CLINICAL_TEAM``), by name."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__service_id=service_id,
            memberships__role__in=policy.CLINICAL_TEAM,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def supervisor_or_managers(mentor: Any) -> list[User]:
    """Who hears about a mentor (a well-being flag, a lapsed check, a missed debrief):
    the supervising therapist, or while there is none the service's managers."""
    if mentor.supervisor_id:
        return [mentor.supervisor]
    return managers_of(mentor.service_id)


def memberships_of_service(service_id: int) -> QuerySet[Membership]:
    """Members of one service; callers check membership.manage first."""
    return (
        Membership.objects.filter(service_id=service_id)
        .select_related("user")
        .order_by("role", "user__email")
    )


def membership_in_service_or_404(service_id: int, membership_id: int) -> Membership:
    return get_object_or_404(memberships_of_service(service_id), pk=membership_id)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The owner's tokens not revoked, expired ones included so they can be seen and removed."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True)


def api_token_of_or_404(user: User, token_id: int) -> ApiToken:
    return get_object_or_404(api_tokens_of(user), pk=token_id)


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The live token (not revoked, not expired, its user active) with this secret."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(
            key_hash=hash_token(secret),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            user__is_active=True,
        )
        .first()
    )
    if token is None:
        return None
    # Touch at most once a minute so a busy client does not write on every call.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_api_token(secret: str) -> User | None:
    token = api_token_for_secret(secret)
    return token.user if token is not None else None
