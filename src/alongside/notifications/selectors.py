"""Reads for notifications: a person sees only their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from alongside.notifications.models import Notification

if TYPE_CHECKING:
    from alongside.accounts.models import User


def notifications_for(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_of_or_404(user: User, notification_id: int) -> Notification:
    return get_object_or_404(notifications_for(user), pk=notification_id)


def unread_count(user: User) -> int:
    return notifications_for(user, unread_only=True).count()
