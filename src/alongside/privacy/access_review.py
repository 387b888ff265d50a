"""Access review: who holds which role where, how they sign in, and who has gone quiet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from alongside.accounts import policy
from alongside.audit.reads import record_read


def dormant_days() -> int:
    return int(getattr(settings, "ALONGSIDE_DORMANT_DAYS", 90))


@dataclass
class Person:
    user: Any
    roles: list[str] = field(default_factory=list)  # "Role in Service"
    confirmed_devices: int = 0
    active_tokens: int = 0
    token_last_used: dt.datetime | None = None
    dormant: bool = False
    # False when they also work in a service the reviewer does not manage.
    may_disable: bool = True


def access_review(user: Any, *, now: dt.datetime | None = None) -> list[Person]:
    """Every account with a role in a service ``user`` manages, dormant ones flagged."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from alongside.accounts.models import ApiToken, Membership

    now = now or timezone.now()
    managed = set(policy.service_ids(user, "privacy.manage"))
    cutoff = now - dt.timedelta(days=dormant_days())
    memberships = (
        Membership.objects.filter(service_id__in=managed)
        .select_related("user", "service")
        .order_by("user__email", "service__name", "role")
    )
    people: dict[int, Person] = {}
    for membership in memberships:
        person = people.setdefault(membership.user_id, Person(membership.user))
        person.roles.append(f"{membership.get_role_display()} in {membership.service.name}")
    ids = list(people)
    elsewhere = set(
        Membership.objects.filter(user_id__in=ids)
        .exclude(service_id__in=managed)
        .values_list("user_id", flat=True)
    )
    devices = dict(
        TOTPDevice.objects.filter(user_id__in=ids, confirmed=True)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    tokens = {
        row["user_id"]: row
        for row in ApiToken.objects.filter(
            user_id__in=ids, revoked_at__isnull=True, expires_at__gt=now
        )
        .values("user_id")
        .annotate(n=Count("id"), last=Max("last_used_at"))
    }
    for pk, person in people.items():
        person.confirmed_devices = devices.get(pk, 0)
        if pk in tokens:
            person.active_tokens = tokens[pk]["n"]
            person.token_last_used = tokens[pk]["last"]
        seen = person.user.last_login or person.user.date_joined
        person.dormant = person.user.is_active and seen < cutoff
        person.may_disable = pk not in elsewhere and pk != user.pk
    record_read(user, "access.review", ids, object_type="accounts.user")
    return list(people.values())


__all__ = ["access_review", "dormant_days"]
