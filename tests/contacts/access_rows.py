"""Access rows for contacts: clinical team in the service, the mentor for their own pairs,
never the patient, the analyst or the outsider (404)."""

from tests.access import LOGIN, Row, expect
from tests.contacts.factories import (
    home_active_match,
    home_concern,
    home_contact,
    home_ended_match,
)


def _match(world):
    return {"match_id": home_active_match(world).pk}


def _contact(world):
    return {"contact_id": home_contact(world).pk}


def _concern(world):
    return {"concern_id": home_concern(world).pk}


def _ended(world):
    return {"match_id": home_ended_match(world).pk}


STAFF_AND_OWN_MENTOR = expect(404, anonymous=LOGIN, admin=200, therapist=200, mentor=200)
STAFF_ONLY = expect(404, anonymous=LOGIN, admin=200, therapist=200)
# Lists: the outsider (a therapist elsewhere) gets their own, empty, list.
STAFF_LIST = expect(404, anonymous=LOGIN, admin=200, therapist=200, outsider=200)

ROWS = {
    "contacts:mine": Row(expect(404, anonymous=LOGIN, mentor=200)),
    "contacts:pairs": Row(STAFF_LIST),
    "contacts:match": Row(STAFF_AND_OWN_MENTOR, kwargs=_match),
    "contacts:log": Row(STAFF_AND_OWN_MENTOR, kwargs=_match),
    "contacts:crisis": Row(STAFF_AND_OWN_MENTOR, kwargs=_match),
    "contacts:edit": Row(STAFF_AND_OWN_MENTOR, kwargs=_contact),
    "contacts:concerns": Row(STAFF_LIST),
    "contacts:concern": Row(STAFF_ONLY, kwargs=_concern),
    "contacts:concern_acknowledge": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=_concern,
        method="post",
        fresh_world=True,
    ),
    "contacts:concern_close": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=_concern,
        method="post",
        data=lambda world: {"action_taken": "Called the patient's therapist."},
        fresh_world=True,
    ),
    "contacts:settings": Row(
        expect(404, anonymous=LOGIN, admin=200),
        kwargs=lambda world: {"service_id": world.home.pk},
    ),
    # The end-of-match survey: the pair's own mentor and patient only.
    "contacts:survey": Row(expect(404, anonymous=LOGIN, mentor=200, patient=200), kwargs=_ended),
    "api:contacts_list": Row(expect(200, anonymous=401), api=True),
    "api:contacts_match": Row(
        expect(404, anonymous=401, admin=200, therapist=200, mentor=200), kwargs=_match, api=True
    ),
    # A form-encoded body is not JSON: refused before anything is looked up (scoping of
    # the JSON call is tested in tests/api/test_contacts.py).
    "api:contacts_log": Row(
        expect(400, anonymous=401),
        kwargs=_match,
        method="post",
        data=lambda world: {"mode": "phone", "duration_minutes": 20},
        api=True,
    ),
}
