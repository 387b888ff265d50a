"""Access matrix rows for the reports pages, their files and the FHIR endpoint.

Analysts reach the aggregate and pseudonymised pages only; the access matrix and
tests/reports/test_pseudonymised.py prove they never reach an identifiable one.
"""

from __future__ import annotations

from typing import Any

from tests.access import LOGIN, Row, expect
from tests.personas import World

REPORT = expect(404, anonymous=LOGIN, admin=200, therapist=200, analyst=200)
RESEARCH = expect(404, anonymous=LOGIN, admin=200, analyst=200)


def slug(world: World) -> dict[str, Any]:
    return {"slug": world.home.slug}


def _job(world: World) -> Any:
    from alongside.reports.models import ExportJob

    if "reports_job" not in world.objects:
        world.objects["reports_job"] = ExportJob.objects.create(
            service=world.home, created_by=world.people["analyst"], kind="research"
        )
    return world.objects["reports_job"]


def job_id(world: World) -> dict[str, Any]:
    return {"job_id": _job(world).pk}


def _rollup(world: World) -> Any:
    from alongside.reports.models import ExportJob

    if "reports_rollup" not in world.objects:
        world.objects["reports_rollup"] = ExportJob.objects.create(
            created_by=world.people["admin"],
            kind="rollup",
            params={"start": "2026-01-01", "end": "2026-06-30"},
        )
    return world.objects["reports_rollup"]


def fhir_patient(world: World) -> dict[str, Any]:
    from tests.patients.factories import PatientFactory

    if "reports_fhir_patient" not in world.objects:
        world.objects["reports_fhir_patient"] = PatientFactory(service=world.home)
    return {"patient_id": world.objects["reports_fhir_patient"].pk}


ROWS = {
    # One service each: the index forwards to its dashboard (the outsider's is the other one).
    "reports:index": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302, analyst=302, outsider=302)
    ),
    "reports:dashboard": Row(REPORT, kwargs=slug),
    "reports:print": Row(REPORT, kwargs=slug),
    "reports:chart": Row(REPORT, kwargs=lambda world: {**slug(world), "name": "referrals"}),
    "reports:fidelity": Row(REPORT, kwargs=slug),
    "reports:research": Row(RESEARCH, kwargs=slug),
    "reports:research_settings": Row(
        expect(404, anonymous=LOGIN, admin=302),
        kwargs=slug,
        method="post",
        data=lambda world: {"date_handling": "shift", "max_shift_days": 90},
        fresh_world=True,
    ),
    # The roll-up across services: managers (admins) only, of the services they manage.
    "reports:rollup": Row(expect(404, anonymous=LOGIN, admin=200)),
    "reports:rollup_start": Row(
        expect(404, anonymous=LOGIN, admin=302),
        method="post",
        data=lambda world: {"start": "2026-01-01", "end": "2026-06-30"},
        fresh_world=True,
    ),
    # Only the manager who asked for it sees a roll-up.
    "reports:rollup_job": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"job_id": _rollup(world).pk}
    ),
    # Only the person who asked for an export sees it (the analyst here).
    "reports:job": Row(expect(404, anonymous=LOGIN, analyst=200), kwargs=job_id),
    # A job with no file yet: nothing to download, for anyone.
    "reports:job_download": Row(expect(404, anonymous=LOGIN), kwargs=job_id),
    # A long list's background file: anyone who may open the list's page (mentors here).
    "reports:list_export": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302, outsider=302),
        method="post",
        data=lambda world: {"kind": "mentors", "format": "csv", "query": "status=active"},
        fresh_world=True,
    ),
    "api:export_start": Row(
        expect(404, anonymous=401, admin=202, therapist=202, outsider=202),
        method="post",
        data=lambda world: {"kind": "mentors", "format": "xlsx", "filters": {"status": "active"}},
        api=True,
        json=True,
        fresh_world=True,
    ),
    "api:export_detail": Row(expect(404, anonymous=401, analyst=200), kwargs=job_id, api=True),
    "api:export_download": Row(expect(404, anonymous=401), kwargs=job_id, api=True),
    "api:fhir_patient_everything": Row(
        expect(404, anonymous=401, admin=200, therapist=200), kwargs=fhir_patient, api=True
    ),
    "api:report_dashboard": Row(
        expect(404, anonymous=401, admin=200, therapist=200, analyst=200),
        kwargs=lambda world: {"slug": world.home.slug},
        api=True,
    ),
}
