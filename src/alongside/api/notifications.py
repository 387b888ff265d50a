"""Notifications API: a person reads only their own."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Query, Router, Schema

from alongside.accounts.http import AuthenticatedApiRequest
from alongside.api import pagination
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
    response=pagination.page_of(NotificationOut),
    url_name="notifications_list",
    summary="My notifications, newest first, a page at a time (?unread=true for unread only)",
)
def notifications_list(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    page: Query[pagination.PageIn],
    unread: bool = False,
) -> dict[str, object]:
    return pagination.paginate(
        request,
        response,
        selectors.notifications_for(request.auth, unread_only=unread),
        page,
        op="notifications",
        filters={"unread": unread},
        keyset=pagination.Keyset(("created_at", "pk"), descending=True),
        out=NotificationOut.from_orm,
    )
