"""Access matrix rows for every matching URL (pages and API)."""

from __future__ import annotations

from alongside.matches.models import MatchStatus
from tests.access import LOGIN, Row, expect
from tests.matches.factories import home_match, home_patient, ready_mentor, waiting_patient


def _match(world):
    return {"match_id": home_match(world).pk}


def _proposed(world):
    return {"match_id": home_match(world, MatchStatus.PROPOSED).pk}


def _active(world):
    return {"match_id": home_match(world, MatchStatus.ACTIVE).pk}


def _patient(world):
    return {"patient_id": home_patient(world).pk}


def _home(world):
    return {"slug": world.home.slug}


def _batch_job(world):
    from alongside.matches.models import BatchPlanJob

    job = BatchPlanJob.objects.create(service=world.home, requested_by=world.people["therapist"])
    return {"slug": world.home.slug, "job_id": job.pk}


def _empty(world):
    return {}


STAFF_ONLY = expect(404, anonymous=LOGIN, admin=200, therapist=200)
STAFF_PAGE = expect(404, anonymous=LOGIN, admin=200, therapist=200, outsider=200)
# POSTs with nothing filled in: staff see the form again with errors.
STAFF_BAD_POST = expect(404, anonymous=LOGIN, admin=400, therapist=400)
ADMIN_ONLY = expect(404, anonymous=LOGIN, admin=200)
MENTOR_ONLY = expect(404, anonymous=LOGIN, mentor=200)
PATIENT_ONLY = expect(404, anonymous=LOGIN, patient=200)
API_STAFF = expect(404, anonymous=401, admin=200, therapist=200)

ROWS = {
    "matches:list": Row(STAFF_PAGE),
    "matches:detail": Row(STAFF_ONLY, kwargs=_match),
    "matches:record_patient_agree": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=_proposed,
        method="post",
        data=_empty,
        fresh_world=True,
    ),
    "matches:activate": Row(STAFF_BAD_POST, kwargs=_match, method="post", data=_empty),
    "matches:withdraw": Row(STAFF_BAD_POST, kwargs=_match, method="post", data=_empty),
    "matches:end": Row(STAFF_BAD_POST, kwargs=_match, method="post", data=_empty),
    "matches:review_clear": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=_match,
        method="post",
        data=_empty,
    ),
    "matches:find": Row(STAFF_ONLY, kwargs=_patient),
    "matches:propose": Row(STAFF_BAD_POST, kwargs=_patient, method="post", data=_empty),
    "matches:waiting": Row(STAFF_ONLY, kwargs=_home),
    "matches:batch_plan": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=_home,
        method="post",
        data=_empty,
    ),
    # A batch run is seen only by whoever asked for it (here the therapist).
    "matches:batch_job": Row(expect(404, anonymous=LOGIN, therapist=200), kwargs=_batch_job),
    "matches:batch_publish": Row(STAFF_BAD_POST, kwargs=_home, method="post", data=_empty),
    "matches:weights": Row(ADMIN_ONLY, kwargs=_home),
    "matches:weights_preview": Row(ADMIN_ONLY, kwargs=_home),
    "matches:engagement": Row(
        expect(404, anonymous=LOGIN, admin=200, therapist=200, analyst=200), kwargs=_home
    ),
    "matches:mentees": Row(MENTOR_ONLY),
    "matches:mentee": Row(MENTOR_ONLY, kwargs=_match),
    "matches:mentee_accept": Row(
        expect(404, anonymous=LOGIN, mentor=302),
        kwargs=_match,
        method="post",
        data=_empty,
        fresh_world=True,
    ),
    "matches:mentee_decline": Row(
        expect(404, anonymous=LOGIN, mentor=400), kwargs=_match, method="post", data=_empty
    ),
    "matches:mine": Row(PATIENT_ONLY),
    "matches:mine_agree": Row(
        expect(404, anonymous=LOGIN, patient=302),
        kwargs=_proposed,
        method="post",
        data=_empty,
        fresh_world=True,
    ),
    "matches:mine_decline": Row(
        expect(404, anonymous=LOGIN, patient=302),
        kwargs=_proposed,
        method="post",
        data=_empty,
        fresh_world=True,
    ),
    "api:match_list": Row(
        expect(404, anonymous=401, admin=200, therapist=200, outsider=200), api=True
    ),
    "api:match_detail": Row(API_STAFF, kwargs=_match, api=True),
    "api:match_suggestions": Row(API_STAFF, kwargs=_patient, api=True),
    # Everyone signed in gets their own list (empty unless they are a mentor / a patient).
    "api:mentee_list": Row(expect(200, anonymous=401), api=True),
    "api:my_mentor": Row(expect(200, anonymous=401), api=True),
    # A form-encoded body is not JSON: refused before anything is looked up.
    # A JSON proposal of an eligible pair: staff of the home service create it;
    # everyone else is told the patient does not exist.
    "api:match_propose": Row(
        expect(404, anonymous=401, admin=201, therapist=201),
        api=True,
        json=True,
        method="post",
        fresh_world=True,
        data=lambda w: {
            "patient_id": waiting_patient(w.home).pk,
            "mentor_id": ready_mentor(w.home).pk,
        },
    ),
    # The patient answers their own proposal; the clinical team may record that they
    # agreed; the mentor does not know of it before the patient agrees (404).
    "api:match_respond": Row(
        expect(404, anonymous=401, admin=200, therapist=200, patient=200),
        kwargs=_proposed,
        api=True,
        json=True,
        method="post",
        fresh_world=True,
        data=lambda w: {"answer": "agree"},
    ),
    "api:match_end": Row(
        expect(404, anonymous=401, admin=200, therapist=200),
        kwargs=_active,
        api=True,
        json=True,
        method="post",
        fresh_world=True,
        data=lambda w: {"reason": "goals_met"},
    ),
}
