"""Access matrix rows for every patients URL (pages and API)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.access import LOGIN, Row, expect
from tests.patients.factories import ConsentFactory, GoalFactory, PatientFactory
from tests.personas import World

STAFF_PAGE = expect(404, anonymous=LOGIN, admin=200, therapist=200, outsider=200)
CASE_PAGE = expect(404, anonymous=LOGIN, admin=200, therapist=200)
CASE_POST = expect(404, anonymous=LOGIN, admin=302, therapist=302)
TODAY = date.today().isoformat()
# A review date after the service's today wherever it is: Melbourne's date runs ahead of UTC's.
IN_A_MONTH = (date.today() + timedelta(days=30)).isoformat()


def patient(world: World) -> Any:
    """A referral in the home service, belonging to the patient persona."""
    if "patient" not in world.objects:
        record = PatientFactory(service=world.home, user=world.people["patient"])
        world.objects["patient"] = record
        world.objects["consent"] = ConsentFactory(patient=record)
        world.objects["goal"] = GoalFactory(patient=record)
    return world.objects["patient"]


def pid(world: World) -> dict[str, Any]:
    return {"patient_id": patient(world).pk}


def consent_kwargs(world: World) -> dict[str, Any]:
    patient(world)
    return {"patient_id": world.objects["patient"].pk, "consent_id": world.objects["consent"].pk}


def goal_kwargs(world: World) -> dict[str, Any]:
    patient(world)
    return {"patient_id": world.objects["patient"].pk, "goal_id": world.objects["goal"].pk}


def import_job(world: World) -> dict[str, Any]:
    """A checked upload in the home service, ready to confirm."""
    from alongside.patients import importing
    from alongside.patients.models import ReferralImportJob, ReferralImportStatus

    if "import_job" not in world.objects:
        world.objects["import_job"] = ReferralImportJob.objects.create(
            service=world.home,
            created_by=world.people["therapist"],
            file_name="referrals.csv",
            content=importing.template_csv().encode(),
            status=ReferralImportStatus.CHECKED,
            rows_read=1,
            rows_checked=1,
            rows_valid=1,
        )
    return {"job_id": world.objects["import_job"].pk}


def post(data: dict[str, Any] | None = None, **kwargs: Any) -> dict[str, Any]:
    return {"method": "post", "fresh_world": True, "data": lambda world: data or {}, **kwargs}


ROWS = {
    "patients:list": Row(STAFF_PAGE),
    "patients:referral_create": Row(STAFF_PAGE),
    "patients:import": Row(STAFF_PAGE),
    "patients:import_template": Row(STAFF_PAGE),
    # An upload is seen only by the clinical team of its service: the outsider gets 404.
    "patients:import_job": Row(CASE_PAGE, kwargs=import_job),
    "patients:import_confirm": Row(CASE_POST, kwargs=import_job, **post()),
    # Code look-ups search the code sets of a service the user records referrals in;
    # the outsider asking for the home service's gets 404.
    "patients:occupation_lookup": Row(
        CASE_PAGE, data=lambda world: {"service": world.home.pk, "q": "electrician"}
    ),
    "patients:icd10_lookup": Row(
        CASE_PAGE, data=lambda world: {"service": world.home.pk, "q": "S14"}
    ),
    "patients:rules": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    "patients:rules_preset": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda world: {"slug": world.home.slug}
    ),
    "patients:mine": Row(
        expect(404, anonymous=LOGIN, patient=200), kwargs=lambda world: (patient(world), {})[1]
    ),
    "patients:my_consent_withdraw": Row(
        expect(404, anonymous=LOGIN, patient=302),
        kwargs=lambda world: {"consent_id": consent_kwargs(world)["consent_id"]},
        **post(),
    ),
    "patients:detail": Row(CASE_PAGE, kwargs=pid),
    "patients:accept": Row(CASE_POST, kwargs=pid, **post()),
    "patients:accept_anyway": Row(
        CASE_POST, kwargs=pid, **post({"override_reason": "Clinical judgement"})
    ),
    "patients:decline": Row(CASE_POST, kwargs=pid, **post({"reason": "Not working"})),
    "patients:allocate": Row(
        CASE_POST,
        kwargs=pid,
        method="post",
        fresh_world=True,
        data=lambda world: {"therapist": world.people["therapist"].pk},
    ),
    "patients:first_contact": Row(CASE_POST, kwargs=pid, **post({"on": TODAY})),
    "patients:status": Row(CASE_POST, kwargs=pid, **post({"status": "discharged"})),
    "patients:hold": Row(CASE_POST, kwargs=pid, **post({"reason": "pta", "review_on": IN_A_MONTH})),
    "patients:hold_release": Row(CASE_POST, kwargs=pid, **post()),
    "patients:consent_record": Row(
        CASE_POST,
        kwargs=pid,
        **post({"kind": "research", "given_on": TODAY, "how_given": "verbal"}),
    ),
    "patients:consent_withdraw": Row(CASE_POST, kwargs=consent_kwargs, **post()),
    "patients:invite": Row(
        CASE_POST,
        kwargs=lambda world: {"patient_id": PatientFactory(service=world.home).pk},
        method="post",
        fresh_world=True,
        data=lambda world: {"email": "invited@test.example"},
    ),
    "patients:my_consent_give": Row(
        expect(404, anonymous=LOGIN, patient=302),
        kwargs=pid,
        **post({"kind": "research"}),
    ),
    "patients:injury_edit": Row(CASE_PAGE, kwargs=pid),
    "patients:work_edit": Row(CASE_PAGE, kwargs=pid),
    "patients:details_edit": Row(CASE_PAGE, kwargs=pid),
    "patients:goal_add": Row(CASE_POST, kwargs=pid, **post({"goal-text": "Drive again"})),
    "patients:goal_update": Row(CASE_POST, kwargs=goal_kwargs, **post({"status": "achieved"})),
    "patients:employer_contact_add": Row(
        CASE_POST,
        kwargs=pid,
        **post({"employer-on": TODAY, "employer-who": "Jo, manager", "employer-summary": "Call"}),
    ),
    "patients:certificate_add": Row(
        CASE_POST,
        kwargs=pid,
        **post(
            {
                "certificate-from_date": TODAY,
                "certificate-to_date": TODAY,
                "certificate-capacity": "modified",
            }
        ),
    ),
    "patients:phased_step_add": Row(
        CASE_POST, kwargs=pid, **post({"phased-week_starting": TODAY, "phased-hours": "12"})
    ),
    "patients:work_status_add": Row(
        CASE_POST, kwargs=pid, **post({"work-from_date": TODAY, "work-status": "on_leave"})
    ),
    "api:patient_list": Row(
        expect(404, anonymous=401, admin=200, therapist=200, outsider=200), api=True
    ),
    "api:patient_detail": Row(
        expect(404, anonymous=401, admin=200, therapist=200), kwargs=pid, api=True
    ),
    # The matrix client posts form data, which a JSON endpoint refuses before any
    # scope check; tests/patients/test_api.py posts real JSON per persona.
    # Staff of the home service create the referral; everyone else is told the
    # service does not exist.
    "api:referral_create": Row(
        expect(404, anonymous=401, admin=201, therapist=201),
        api=True,
        json=True,
        method="post",
        fresh_world=True,
        data=lambda world: {
            "service": world.home.slug,
            "given_name": "Jo",
            "family_name": "Matrix",
            "date_of_birth": "1990-01-01",
            "date_of_injury": "2026-10-01",
            "date_of_referral": "2026-10-10",
        },
    ),
}
