"""Demo data for notifications: a few in-app notifications for the demo sign-ins.

They are marked as not sent by e-mail (synthetic), so loading the demo sends
nothing. Idempotent through the (recipient, kind, event_key) uniqueness.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse

from alongside.demo.builder import DemoContext
from alongside.notifications.models import DeliveryStatus, Notification

if TYPE_CHECKING:
    from alongside.accounts.models import User


def load(ctx: DemoContext) -> None:
    from alongside.contacts.models import Concern, ConcernStatus
    from alongside.matches.models import Match, MatchStatus

    therapist = ctx.users.get("therapist@demo.example")
    mentor = ctx.users.get("mentor@demo.example")
    service = ctx.services.get("demo-melbourne")
    rows: list[tuple[User, str, str, str, str, str, bool]] = []
    if therapist is not None:
        for concern in Concern.objects.filter(notified=therapist, status=ConcernStatus.OPEN)[:5]:
            rows.append(
                (
                    therapist,
                    "concern_raised",
                    f"concern:{concern.pk}",
                    f"Concern raised: {concern.get_kind_display().split(' (')[0].lower()}",
                    "A mentor raised a concern after a mentoring contact. Please read and "
                    "acknowledge it.",
                    reverse("contacts:concern", kwargs={"concern_id": concern.pk}),
                    True,
                )
            )
    if mentor is not None:
        match = Match.objects.filter(mentor__user=mentor, status=MatchStatus.ACTIVE).first()
        rows.append(
            (
                mentor,
                "welcome",
                "demo",
                "Welcome to Alongside",
                "Log each contact with your mentee from your phone: it takes a minute.",
                reverse("contacts:log", kwargs={"match_id": match.pk})
                if match
                else reverse("accounts:home"),
                False,
            )
        )
    for recipient, kind, key, subject, body, link, essential in rows:
        Notification.objects.get_or_create(
            recipient=recipient,
            kind=kind,
            event_key=key,
            defaults={
                "subject": subject,
                "body": body,
                "link": link,
                "essential": essential,
                "service": service,
                "delivery_status": DeliveryStatus.SKIPPED,
            },
        )
