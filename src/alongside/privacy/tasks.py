"""Background tasks of the privacy app, run by `alongside worker`."""

from __future__ import annotations

from django_tasks import task

from alongside.privacy import services


@task()
def find_records_past_retention() -> int:
    """Daily: list records past retention for a manager to confirm (nothing is erased here)."""
    return services.retention_sweep()
