"""Contacts API: scoped exactly like the pages (a match out of reach is 404).

Concerns are not in the API: they go to a person (the supervising therapist) at once,
and are read and closed on the pages, where every read is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from alongside.accounts import policy
from alongside.accounts.http import AuthenticatedApiRequest
from alongside.api import idempotency, pagination
from alongside.contacts import selectors, services
from alongside.contacts.models import Contact
from alongside.core import text_limits

router = Router(tags=["contacts"])


class ContactOut(Schema):
    id: int
    match_id: int
    contact_at: dt.datetime
    mode: str
    duration_minutes: int
    topics: list[str]
    reflection: str | None  # null when the caller may not read reflections


class ContactIn(Schema):
    contact_at: dt.datetime | None = None  # default: now; give a time zone offset
    mode: str = Field(max_length=Contact._meta.get_field("mode").max_length)
    duration_minutes: int
    topics: list[Annotated[str, Field(max_length=text_limits.LIST_ITEM)]] = Field(
        [], max_length=text_limits.LIST_ITEMS
    )
    reflection: str = Field("", max_length=text_limits.NARRATIVE)


def _out(contact: Contact, see_reflection: bool) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        match_id=contact.match_id,
        contact_at=contact.contact_at,
        mode=contact.mode,
        duration_minutes=contact.duration_minutes,
        topics=contact.topics,
        reflection=contact.reflection if see_reflection else None,
    )


@router.get(
    "/",
    response=pagination.page_of(ContactOut),
    url_name="contacts_list",
    summary="Contacts I may see, newest first, a page at a time: a mentor's own pairs, or "
    "the service's for therapists",
)
def contacts_list(
    request: AuthenticatedApiRequest, response: HttpResponse, page: Query[pagination.PageIn]
) -> dict[str, object]:
    user = request.auth
    see: dict[int, bool] = {}

    def out(contact: Contact) -> ContactOut:
        if contact.match_id not in see:
            see[contact.match_id] = policy.may_see_reflection(user, contact.match)
        return _out(contact, see[contact.match_id])

    return pagination.paginate(
        request,
        response,
        selectors.contacts_visible_to(user),
        page,
        op="contacts",
        keyset=pagination.Keyset(("contact_at", "pk"), descending=True),
        out=out,
    )


@router.get(
    "/match/{match_id}",
    response=pagination.page_of(ContactOut),
    url_name="contacts_match",
    summary="The contacts of one match, newest first",
)
def contacts_of_match(
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    match_id: int,
    page: Query[pagination.PageIn],
) -> dict[str, object]:
    match = selectors.match_for_contacts_or_404(request.auth, match_id)
    see = policy.may_see_reflection(request.auth, match)
    return pagination.paginate(
        request,
        response,
        selectors.contact_history(request.auth, match),
        page,
        op=f"contacts-of-{match.pk}",
        keyset=pagination.Keyset(("contact.contact_at", "contact.pk"), descending=True),
        out=lambda row: _out(row.contact, see),
    )


@router.post(
    "/match/{match_id}",
    response={201: ContactOut},
    url_name="contacts_log",
    summary="Log a contact (a mentor for their own active match; therapists for any)",
)
def contacts_log(  # type: ignore[type-arg]
    request: AuthenticatedApiRequest,
    response: HttpResponse,
    match_id: int,
    payload: ContactIn,
    idempotency_key: str | None = idempotency.KeyHeader,
) -> Status:
    match = selectors.match_for_logging_or_404(request.auth, match_id)

    def create() -> tuple[int, Status]:  # type: ignore[type-arg]
        # A ValidationError answers 422 with the fields named (alongside.api.problems).
        contact = services.contact_log(
            actor=request.auth,
            match=match,
            contact_at=payload.contact_at or timezone.now(),
            mode=payload.mode,
            duration_minutes=payload.duration_minutes,
            topics=payload.topics,
            reflection=payload.reflection,
        )
        return contact.pk, Status(
            201, _out(contact, policy.may_see_reflection(request.auth, match))
        )

    def replay(contact_id: int) -> Status:  # type: ignore[type-arg]
        see = policy.may_see_reflection(request.auth, match)
        for row in selectors.contact_history(request.auth, match):
            if row.contact.pk == contact_id:
                return Status(201, _out(row.contact, see))
        raise Http404

    return idempotency.once(request, response, idempotency_key, create=create, replay=replay)
