"""Background matching work, run by `alongside worker`."""

from __future__ import annotations

from django_tasks import task

from alongside.matches import services


@task()
def batch_plan_run(*, job_id: int) -> int:
    """Plan a batch run; returns how many pairs it drafted."""
    try:
        return len(services.batch_plan_job_run(job_id=job_id).pairs)
    except Exception as error:
        services.batch_plan_job_failed(
            job_id=job_id, message=f"The plan could not be made: {type(error).__name__}"
        )
        raise
