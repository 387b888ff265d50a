"""Background exports, run by `alongside worker`."""

from __future__ import annotations

from django_tasks import task

from alongside.reports import services


@task()
def export_run(*, job_id: int) -> int:
    """Make an export's file; returns its size in bytes."""
    try:
        return len(services.export_job_run(job_id=job_id).content)
    except Exception as error:
        services.export_job_failed(
            job_id=job_id, message=f"The export failed: {type(error).__name__}"
        )
        raise


@task()
def rollup_run(*, job_id: int) -> int:
    """Work out a roll-up across services; returns how many services it covers."""
    try:
        return services.rollup_run(job_id=job_id).steps_total
    except Exception as error:
        services.export_job_failed(
            job_id=job_id, message=f"The roll-up failed: {type(error).__name__}"
        )
        raise


@task()
def export_purge() -> int:
    """Delete the files of expired exports (the job rows stay as the record)."""
    from django.utils import timezone

    from alongside.reports.models import ExportJob

    return (
        ExportJob.objects.filter(expires_at__lte=timezone.now())
        .exclude(content=b"")
        .update(content=b"")
    )
