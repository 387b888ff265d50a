"""Every step of the pathway tells whoever acts next, once (issue 12, point 1)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alongside.matches import services
from alongside.matches.models import MatchStatus
from alongside.notifications.models import Notification
from alongside.patients.models import ConsentKind
from alongside.patients.services import consent_withdraw
from tests.matches.factories import home_match, home_patient, ready_mentor
from tests.mentors.factories import home_mentor

pytestmark = pytest.mark.django_db


def _told(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def test_each_step_notifies_the_next_person_once(world) -> None:
    therapist, patient_user, mentor_user = (
        world.people["therapist"],
        world.people["patient"],
        world.people["mentor"],
    )
    patient = home_patient(world)
    patient.allocated_therapist = therapist
    patient.save()
    mentor = home_mentor(world)
    ready = ready_mentor(world.home)
    for field in (
        "checks_valid_until",
        "training_valid_until",
        "supervision_due_on",
        "capacity",
        "injury_category",
        "sci_level",
        "occupation_code",
        "willing_categories",
        "contact_modes",
        "languages",
        "birth_year",
    ):
        setattr(mentor, field, getattr(ready, field))
    mentor.save()

    match = services.match_propose(actor=therapist, patient=patient, mentor=mentor)
    (proposed,) = _told(patient_user, "match_proposed")
    assert proposed.link == reverse("matches:mine")

    services.match_patient_agree(actor=patient_user, match=match)
    (agreed,) = _told(mentor_user, "match_patient_agreed")
    assert agreed.link == reverse("matches:mentee", args=[match.pk])

    services.match_mentor_accept(actor=mentor_user, match=match)
    (accepted,) = _told(therapist, "match_mentor_accepted")
    assert "introduce" in accepted.subject
    assert accepted.link == reverse("matches:detail", args=[match.pk])

    services.match_activate(actor=therapist, match=match)
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE

    consent = patient.consents.get(kind=ConsentKind.MENTOR_SHARING, withdrawn_on__isnull=True)
    consent_withdraw(actor=patient_user, consent=consent)
    (withdrawn,) = _told(therapist, "match_consent_withdrawn")
    assert "review" in withdrawn.subject
    # Nobody is told anything twice.
    kinds = list(Notification.objects.values_list("recipient_id", "kind", "event_key"))
    assert len(kinds) == len(set(kinds))
    # Nothing clinical in any message.
    for n in Notification.objects.all():
        assert patient.family_name not in n.subject + n.body


def test_the_therapist_who_proposed_and_the_allocated_one_are_each_told_once(world) -> None:
    match = home_match(world, MatchStatus.PATIENT_AGREED)
    match.patient.allocated_therapist = world.people["therapist"]
    match.patient.save()
    services.match_mentor_accept(actor=world.people["mentor"], match=match)
    assert len(_told(world.people["therapist"], "match_mentor_accepted")) == 1


def test_find_page_offers_no_propose_for_a_case_that_cannot_be_matched(world) -> None:
    from tests.patients.factories import PatientFactory

    referral = PatientFactory(service=world.home, status="referred")
    ready_mentor(world.home, first_name="Ready")
    therapist = world.client_for("therapist")
    body = therapist.get(reverse("matches:find", args=[referral.pk])).content.decode()
    assert "only accepted, open cases can be matched" in body
    assert "Propose Ready" not in body
    # The refusal itself, as htmx gets it: a fragment with the server's words, 400.
    response = therapist.post(
        reverse("matches:propose", args=[referral.pk]),
        {"mentor": ready_mentor(world.home).pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert "only accepted, open cases can be matched" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_htmx_swaps_validation_refusals_in_place(client) -> None:
    """One mechanism for every htmx form: 400, 409 and 422 answers are swapped in."""
    import json
    import re

    body = client.get(reverse("accounts:login")).content.decode()
    config = json.loads(re.search(r'name="htmx-config" content=\'([^\']+)\'', body).group(1))
    rules = {rule["code"]: rule for rule in config["responseHandling"]}
    rule = next(r for code, r in rules.items() if re.fullmatch(code, "400"))
    assert rule["swap"] is True and rule["error"] is False
    assert re.fullmatch(next(iter(c for c in rules if re.fullmatch(c, "409"))), "409")


@pytest.mark.parametrize(
    ("name", "kwargs", "page"),
    [
        (
            "matches:batch_plan",
            {"slug": "home-service"},
            ("matches:waiting", {"slug": "home-service"}),
        ),
        (
            "matches:batch_publish",
            {"slug": "home-service"},
            ("matches:waiting", {"slug": "home-service"}),
        ),
    ],
)
def test_a_get_on_a_post_only_url_goes_to_its_page(world, name, kwargs, page) -> None:
    response = world.client_for("therapist").get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert response["Location"] == reverse(page[0], kwargs=page[1])


def test_a_get_on_other_post_only_urls_goes_to_the_nearest_page(world) -> None:
    match = home_match(world, MatchStatus.MENTOR_ACCEPTED)
    therapist = world.client_for("therapist")
    response = therapist.get(reverse("matches:activate", args=[match.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("matches:detail", args=[match.pk])
    patient = home_patient(world)
    response = therapist.get(reverse("matches:propose", args=[patient.pk]))
    assert response["Location"] == reverse("matches:find", args=[patient.pk])


def test_start_the_match_date_input_is_iso_and_the_first_click_succeeds(world) -> None:
    match = home_match(world, MatchStatus.MENTOR_ACCEPTED)
    therapist = world.client_for("therapist")
    body = therapist.get(reverse("matches:detail", args=[match.pk])).content.decode()
    import re

    (value,) = re.findall(r'<input type="date" name="on" value="([^"]*)"', body)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)
    response = therapist.post(reverse("matches:activate", args=[match.pk]), {"on": value})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE
