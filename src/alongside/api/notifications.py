"""Notifications API: a person reads only their own."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema

from alongside.accounts.http import AuthenticatedApiRequest
from alongside.notifications import selectors

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    essential: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


@router.get(
    "/",
    response=list[NotificationOut],
    url_name="notifications_list",
    summary="My notifications, newest first (at most 100; ?unread=true for unread only)",
)
def notifications_list(request: AuthenticatedApiRequest, unread: bool = False) -> list[object]:
    return list(selectors.notifications_for(request.auth, unread_only=unread)[:100])
