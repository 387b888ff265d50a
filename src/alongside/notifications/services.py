"""Writes for notifications: tell someone once per event, deliver by e-mail and SMS.

``notify`` is what every other app calls. It creates the in-app notification
(idempotent on recipient + kind + event_key) and, after the transaction
commits, queues ``deliver_notification`` for the worker. Delivery respects the
recipient's opt-out of non-essential messages and their quiet hours, retries
with exponential back-off when a channel fails, and never sends a channel twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.core import notify_rules, person_details
from alongside.notifications.models import DeliveryStatus, Notification, NotificationPreference

if TYPE_CHECKING:
    from alongside.accounts.models import User
    from alongside.organisations.models import Service

log = logging.getLogger(__name__)

FINISHED = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.FAILED)


def notify(
    *,
    recipient: User | None,
    kind: str,
    event_key: str,
    subject: str,
    body: str = "",
    link: str = "",
    essential: bool = False,
    service: Service | None = None,
) -> Notification | None:
    """Tell ``recipient`` about an event, once.

    Returns the notification (``created`` attribute True when new), or None
    when there is nobody to tell (no recipient, or an inactive account).
    Safe to call inside the caller's transaction: nothing is queued unless it commits.
    """
    if recipient is None or not recipient.is_active:
        return None
    if not subject.strip():
        raise ValidationError({"subject": "A notification needs a subject."})
    defaults = {
        "subject": subject.strip()[:200],
        "body": body,
        "link": link[:300],
        "essential": essential,
        "service": service,
    }
    try:
        with transaction.atomic():
            notification, created = Notification.objects.get_or_create(
                recipient=recipient, kind=kind, event_key=event_key[:200], defaults=defaults
            )
    except IntegrityError:
        # Another worker told them first, between our read and our insert.
        notification = Notification.objects.get(
            recipient=recipient, kind=kind, event_key=event_key[:200]
        )
        created = False
    notification.created = created  # type: ignore[attr-defined]
    if created:
        pk = notification.pk
        transaction.on_commit(lambda: _enqueue(pk))
    return notification


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from alongside.notifications.tasks import deliver_notification

    queued = deliver_notification.using(run_after=run_after) if run_after else deliver_notification
    queued.enqueue(notification_id=notification_id)


def preference_for(user: User) -> NotificationPreference:
    """The person's preferences, unsaved defaults when they never set any."""
    try:
        return user.notification_preference  # type: ignore[attr-defined,no-any-return]
    except NotificationPreference.DoesNotExist:
        return NotificationPreference(user=user)


def time_zone_for(user: User, preference: NotificationPreference) -> str:
    if preference.time_zone:
        return preference.time_zone
    membership = user.memberships.select_related("service").order_by("pk").first()  # type: ignore[attr-defined]
    return membership.service.time_zone if membership else settings.TIME_ZONE


def absolute(link: str) -> str:
    return f"{settings.ALONGSIDE_SITE_URL}{link}" if link.startswith("/") else link


def notification_deliver(*, notification_id: int, now: dt.datetime | None = None) -> str:
    """Send one notification's e-mail and SMS; the worker calls this. Returns its status."""
    now = now or timezone.now()
    retry_at: dt.datetime | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "gone"
        if notification.delivery_status in FINISHED:
            return str(notification.delivery_status)
        recipient = notification.recipient
        preference = preference_for(recipient)
        want_email = preference.email_enabled and bool(recipient.email) and recipient.is_active
        want_sms = preference.sms_enabled and bool(preference.phone) and recipient.is_active
        if (not notification.essential and preference.opt_out_non_essential) or not (
            want_email or want_sms
        ):
            notification.delivery_status = DeliveryStatus.SKIPPED
            notification.save(update_fields=["delivery_status"])
            return str(notification.delivery_status)
        if not notification.essential:
            resume = notify_rules.quiet_hours_end(
                now,
                preference.quiet_hours_start,
                preference.quiet_hours_end,
                time_zone_for(recipient, preference),
            )
            if resume is not None:
                notification.delivery_status = DeliveryStatus.DEFERRED
                notification.next_attempt_at = resume
                notification.save(update_fields=["delivery_status", "next_attempt_at"])
                # Queued inside this transaction: with the database task backend the
                # retry row commits (or rolls back) together with the state change.
                _enqueue(notification_id, resume)
                return str(notification.delivery_status)
        errors = []
        if want_email and notification.email_sent_at is None:
            try:
                _send_email(notification)
                notification.email_sent_at = now
            except Exception as exc:  # noqa: BLE001 - any transport failure is retried
                errors.append(f"e-mail: {exc.__class__.__name__}: {exc}")
        if want_sms and notification.sms_sent_at is None:
            try:
                _send_sms(notification, preference.phone)
                notification.sms_sent_at = now
            except Exception as exc:  # noqa: BLE001
                errors.append(f"SMS: {exc.__class__.__name__}: {exc}")
        if errors:
            notification.attempts += 1
            notification.last_error = "; ".join(errors)[:500]
            if notification.attempts >= notify_rules.MAX_ATTEMPTS:
                notification.delivery_status = DeliveryStatus.FAILED
                notification.next_attempt_at = None
                log.error("notification %s not delivered: %s", notification.pk, errors)
            else:
                retry_at = now + notify_rules.backoff_delay(notification.attempts)
                notification.delivery_status = DeliveryStatus.PENDING
                notification.next_attempt_at = retry_at
        else:
            notification.delivery_status = DeliveryStatus.SENT
            notification.next_attempt_at = None
        notification.save(
            update_fields=[
                "email_sent_at",
                "sms_sent_at",
                "attempts",
                "last_error",
                "delivery_status",
                "next_attempt_at",
            ]
        )
        if retry_at is not None:
            _enqueue(notification_id, retry_at)
    return str(notification.delivery_status)


def _send_email(notification: Notification) -> None:
    lines = [notification.body.strip()] if notification.body.strip() else []
    if notification.link:
        lines.append(f"Open Alongside: {absolute(notification.link)}")
    lines.append(
        "You can change which messages you get by e-mail under Notifications → Preferences."
    )
    EmailMessage(
        subject=notification.subject,
        body="\n\n".join(lines) + "\n",
        to=[notification.recipient.email],
    ).send(fail_silently=False)


def _send_sms(notification: Notification, phone: str) -> None:
    from alongside.notifications.sms import sms_send

    text = f"Alongside: {notification.subject}"
    if notification.link:
        text += f" {absolute(notification.link)}"
    sms_send(to=phone, body=text)


def notification_mark_read(*, user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        from alongside.core import NotFound

        raise NotFound
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def preference_save(
    *,
    user: User,
    opt_out_non_essential: bool,
    email_enabled: bool,
    sms_enabled: bool,
    phone: str,
    quiet_hours_start: dt.time | None,
    quiet_hours_end: dt.time | None,
    time_zone: str,
) -> NotificationPreference:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from alongside.audit.changes import apply_changes
    from alongside.audit.services import audit_record

    errors: dict[str, str] = {}
    phone = phone.strip()
    if sms_enabled and not phone:
        errors["phone"] = "Enter a mobile number to get text messages."
    elif phone:
        # Read in the country of the person's services; with services in several
        # countries the number must be written in international format.
        countries = set(user.memberships.values_list("service__country", flat=True))  # type: ignore[attr-defined]
        country = countries.pop() if len(countries) == 1 else ""
        try:
            phone = person_details.phone_e164(phone, country, mobile=True)
        except ValueError as error:
            errors["phone"] = str(error)
    if (quiet_hours_start is None) != (quiet_hours_end is None):
        errors["quiet_hours_end"] = "Give both the start and the end of quiet hours, or neither."
    if time_zone:
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["time_zone"] = "Choose a time zone from the list."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        preference, _ = NotificationPreference.objects.select_for_update().get_or_create(user=user)
        values = {
            "opt_out_non_essential": opt_out_non_essential,
            "email_enabled": email_enabled,
            "sms_enabled": sms_enabled,
            "phone": phone,
            "quiet_hours_start": quiet_hours_start,
            "quiet_hours_end": quiet_hours_end,
            "time_zone": time_zone,
        }
        changed = apply_changes(preference, values)
        preference.save()
        if changed:
            # A phone number is personal data: the change is audited (names of fields only).
            audit_record(actor=user, action="notification.preferences", target=user, fields=changed)
    return preference
