"""Background tasks of the notifications app, run by `alongside worker`."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from alongside.notifications import services


@task()
def deliver_notification(*, notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)


@task()
def send_account_email(*, to: list[str], subject: str, body: str, html_body: str = "") -> int:
    """Account mail that must reach the inbox whatever the person's preferences: an
    invitation's password link (no preferences yet, and a link must never sit in an
    in-app list) and the notice that two-step sign-in was set up (a security alert).
    Every other message goes through ``services.notify``."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@task()
def send_account_sms(*, to: str, body: str) -> None:
    """The SMS twin of ``send_account_email``: an invitation's one-time password link
    by text message, through the configured SMS backend (``notifications.sms``)."""
    from alongside.notifications.sms import sms_send

    sms_send(to=to, body=body)
