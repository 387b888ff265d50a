"""Background tasks of the notifications app, run by `alongside worker`."""

from __future__ import annotations

from django_tasks import task

from alongside.notifications import services


@task()
def deliver_notification(*, notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)
