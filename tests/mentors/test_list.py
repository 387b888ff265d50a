"""The staff mentor list: filters, scope and a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from alongside.mentors.models import Mentor
from tests.mentors.factories import MentorFactory, make_ready_mentor


def _names(response) -> set[str]:
    return {m.full_name for m in response.context["mentors"]}


def test_filters(world, frozen) -> None:
    ready = make_ready_mentor(
        service=world.home,
        today=frozen,
        status="active",
        first_name="Ready",
        last_name="One",
        capacity=3,
    )
    Mentor.objects.filter(pk=ready.pk).update(supervision_due_on=frozen - dt.timedelta(days=3))
    MentorFactory(
        service=world.home,
        first_name="Tess",
        last_name="Tbi",
        injury_category="tbi",
        icd10_codes=["S06.2"],
        status="screening",
    )
    expiring = make_ready_mentor(
        service=world.home,
        today=frozen,
        status="active",
        first_name="Soon",
        last_name="Expiring",
        capacity=1,
    )
    expiring.checks.update(expires_on=frozen + dt.timedelta(days=10))
    from alongside.mentors.services import bulk_compliance_refresh

    bulk_compliance_refresh([expiring])
    Mentor.objects.filter(pk=expiring.pk).update(mentee_count=1)
    MentorFactory(service=world.other, first_name="Other", last_name="Service")
    client = world.client_for("therapist")

    assert _names(client.get("/mentors/")) == {"Ready One", "Tess Tbi", "Soon Expiring"}
    assert _names(client.get("/mentors/?injury_category=tbi")) == {"Tess Tbi"}
    assert _names(client.get("/mentors/?status=active")) == {"Ready One", "Soon Expiring"}
    assert _names(client.get("/mentors/?capacity_left=1")) == {"Ready One", "Tess Tbi"}
    assert _names(client.get("/mentors/?supervision=overdue")) == {"Ready One"}
    assert _names(client.get("/mentors/?checks=expiring")) == {"Soon Expiring"}


def test_htmx_gets_the_fragment(world) -> None:
    MentorFactory(service=world.home)
    response = world.client_for("therapist").get(
        "/mentors/?status=enquiry", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_no_n_plus_one(world, django_assert_max_num_queries) -> None:
    client = world.client_for("therapist")
    for _ in range(3):
        MentorFactory(service=world.home, supervisor=world.people["therapist"])
    with django_assert_max_num_queries(20) as few:
        client.get("/mentors/")
    for _ in range(30):
        MentorFactory(service=world.home, supervisor=world.people["therapist"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/mentors/")
    assert len(response.context["mentors"]) == 33
