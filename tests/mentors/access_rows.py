"""Access matrix rows for every mentor-programme URL (pages and API)."""

from __future__ import annotations

from tests.access import LOGIN, Row, expect
from tests.mentors.factories import (
    home_checkin,
    home_claim,
    home_criterion,
    home_debrief,
    home_mentor,
    home_module,
)


def _mentor(world):
    return {"mentor_id": home_mentor(world).pk}


STAFF_ONLY = expect(404, anonymous=LOGIN, admin=200, therapist=200)
# Pages without an object: the outsider is a therapist too and sees their own service's.
STAFF_PAGE = expect(404, anonymous=LOGIN, admin=200, therapist=200, outsider=200)
# POSTs that change a mentor: staff are redirected back (302) or shown errors (400).
STAFF_POST = expect(404, anonymous=LOGIN, admin=400, therapist=400)

ROWS = {
    "mentors:list": Row(STAFF_PAGE),
    "mentors:create": Row(STAFF_PAGE),
    "mentors:detail": Row(STAFF_ONLY, kwargs=_mentor),
    "mentors:edit": Row(STAFF_ONLY, kwargs=_mentor),
    # The home mentor is active: an empty POST asks for a transition that does not exist.
    "mentors:status": Row(STAFF_POST, kwargs=_mentor, method="post", data=lambda w: {}),
    "mentors:criterion_record": Row(STAFF_POST, kwargs=_mentor, method="post", data=lambda w: {}),
    "mentors:check_add": Row(STAFF_POST, kwargs=_mentor, method="post", data=lambda w: {}),
    "mentors:training_record": Row(STAFF_POST, kwargs=_mentor, method="post", data=lambda w: {}),
    "mentors:supervision_log": Row(STAFF_POST, kwargs=_mentor, method="post", data=lambda w: {}),
    # Well-being is private: the supervisor (therapist) and the manager only; the mentor
    # may see their own check-in but not acknowledge it.
    "mentors:checkin_acknowledge": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=lambda w: {"checkin_id": home_checkin(w).pk},
        method="post",
        data=lambda w: {},
        fresh_world=True,
    ),
    # Private like well-being: the supervisor and the manager book; the mentor may not
    # book their own; everyone else (a colleague, another service) gets 404.
    "mentors:debrief_book": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=lambda w: {"debrief_id": home_debrief(w).pk},
        method="post",
        data=lambda w: {},
        fresh_world=True,
    ),
    "mentors:criteria": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda w: {"slug": w.home.slug}
    ),
    "mentors:modules": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda w: {"slug": w.home.slug}
    ),
    "mentors:renewals": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda w: {"slug": w.home.slug}
    ),
    "mentors:criterion_edit": Row(
        expect(404, anonymous=LOGIN, admin=200),
        kwargs=lambda w: {"criterion_id": home_criterion(w).pk},
    ),
    "mentors:module_edit": Row(
        expect(404, anonymous=LOGIN, admin=200), kwargs=lambda w: {"module_id": home_module(w).pk}
    ),
    "mentors:mine": Row(
        expect(404, anonymous=LOGIN, mentor=200), kwargs=lambda w: (home_mentor(w), {})[1]
    ),
    "mentors:my_profile": Row(
        expect(404, anonymous=LOGIN, mentor=200), kwargs=lambda w: (home_mentor(w), {})[1]
    ),
    "mentors:checkin": Row(
        expect(404, anonymous=LOGIN, mentor=200), kwargs=lambda w: (home_mentor(w), {})[1]
    ),
    "mentors:checkin_support": Row(
        expect(404, anonymous=LOGIN, mentor=200), kwargs=lambda w: (home_mentor(w), {})[1]
    ),
    "mentors:expense_claim": Row(
        expect(404, anonymous=LOGIN, mentor=200), kwargs=lambda w: (home_mentor(w), {})[1]
    ),
    "mentors:expenses": Row(STAFF_PAGE),
    "mentors:expenses_export": Row(expect(404, anonymous=LOGIN, admin=200)),
    "mentors:expense_decide": Row(
        expect(404, anonymous=LOGIN, admin=302, therapist=302),
        kwargs=lambda w: {"claim_id": home_claim(w).pk},
        method="post",
        data=lambda w: {"decision": "approve"},
        fresh_world=True,
    ),
    "mentors:expense_receipt": Row(
        expect(404, anonymous=LOGIN, admin=200, therapist=200, mentor=200),
        kwargs=lambda w: {"claim_id": home_claim(w).pk},
    ),
}

ROWS.update(
    {
        "api:mentor_list": Row(
            expect(404, anonymous=401, admin=200, therapist=200, outsider=200), api=True
        ),
        "api:mentor_me": Row(expect(200, anonymous=401), api=True),
        "api:mentor_detail": Row(
            expect(404, anonymous=401, admin=200, therapist=200), kwargs=_mentor, api=True
        ),
        # Only a mentor has their own availability to set (everyone else: no record, 404).
        "api:mentor_me_availability": Row(
            expect(404, anonymous=401, mentor=200),
            api=True,
            json=True,
            method="put",
            fresh_world=True,
            data=lambda w: home_mentor(w) and {"availability": ["mon-am", "thu-eve"]},
        ),
        "api:mentor_availability": Row(
            expect(404, anonymous=401, admin=200, therapist=200),
            kwargs=_mentor,
            api=True,
            json=True,
            method="put",
            fresh_world=True,
            data=lambda w: {"availability": ["mon-am"], "capacity": 2},
        ),
    }
)
