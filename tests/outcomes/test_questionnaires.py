"""Questionnaires: scheduled, answered from a one-time link, by the patient signed in or by
staff on their behalf, scored once, never recorded twice, corrected as a new version."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from alongside.accounts.policy import SYSTEM
from alongside.notifications.models import Notification
from alongside.outcomes import services
from alongside.outcomes.models import (
    DueStatus,
    EntryMode,
    QuestionnaireDue,
    QuestionnaireResponse,
)
from alongside.patients.models import WorkStatus
from tests.outcomes import factories
from tests.personas import World

pytestmark = pytest.mark.django_db

PHQ9_POST = {f"item_{n}": "1" for n in range(1, 10)}


@pytest.fixture
def case(world: World):
    return factories.accepted_patient(
        world.home, user=world.people["patient"], allocated_therapist=world.people["therapist"]
    )


def _link(world: World, case, instrument_id: str = "phq9") -> str:
    token = services.questionnaire_link_issue(
        actor=world.people["therapist"], due=factories.due(case, instrument_id)
    )
    return reverse("outcomes_link:link", args=[token])


def test_acceptance_schedules_baseline_and_follow_ups_once(case) -> None:
    dues = QuestionnaireDue.objects.filter(patient=case)
    assert dues.count() == 5 * 6  # baseline, 3, 6, 12, 24 months × six free instruments
    phq9 = {d.time_point.label: d for d in dues.filter(instrument_id="phq9")}
    assert phq9["Baseline"].due_on == case.accepted_on
    assert phq9["12 months"].due_on == case.date_of_injury + dt.timedelta(days=365)
    assert phq9["12 months"].window_opens == phq9["12 months"].due_on - dt.timedelta(days=14)
    assert services.questionnaires_schedule(patient=case) == 0


def test_patient_answers_from_the_link_without_signing_in(world: World, case, client) -> None:
    url = _link(world, case)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Little interest or pleasure in doing things" in page.content
    assert case.family_name.encode() not in page.content  # a forwarded link names nobody
    done = client.post(url, PHQ9_POST)
    assert done.status_code == 302 and done["Location"] == reverse("outcomes_link:thanks")
    response = QuestionnaireResponse.objects.get(patient=case, instrument_id="phq9")
    assert (response.total, response.band, response.mode) == (9, "Mild", EntryMode.LINK)
    assert response.entered_by is None and response.alerts == ["9"]
    assert factories.due(case, "phq9").status == DueStatus.COMPLETED


def test_a_used_link_shows_a_clear_page_and_records_nothing(world: World, case, client) -> None:
    url = _link(world, case)
    client.post(url, PHQ9_POST)
    again = client.post(url, PHQ9_POST)
    assert again.status_code == 410 and b"has been answered" in again.content
    assert QuestionnaireResponse.objects.filter(patient=case).count() == 1


def test_an_expired_link_shows_a_clear_page_and_records_nothing(world: World, case, client) -> None:
    url = _link(world, case)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=15)):
        page = client.post(url, PHQ9_POST)
    assert page.status_code == 410 and b"has expired" in page.content
    assert not QuestionnaireResponse.objects.filter(patient=case).exists()


def test_an_unknown_link_is_not_found(client) -> None:
    page = client.get(reverse("outcomes_link:link", args=["not-a-real-token"]))
    assert page.status_code == 404 and b"This link does not work" in page.content


def test_a_link_only_answers_its_own_questionnaire(world: World, case) -> None:
    token = services.questionnaire_link_issue(
        actor=world.people["therapist"], due=factories.due(case, "hope")
    )
    other = factories.accepted_patient(world.home)
    with pytest.raises(ValidationError, match="can no longer be used"):
        services.response_submit(
            due=factories.due(other, "hope"), answers=[5], mode=EntryMode.LINK, token=token
        )
    assert not QuestionnaireResponse.objects.exists()


def test_an_out_of_range_answer_names_the_item_and_records_nothing(
    world: World, case, client
) -> None:
    url = _link(world, case)
    page = client.post(url, {**PHQ9_POST, "item_3": "7"})
    assert page.status_code == 400
    assert b"There is a problem" in page.content and b"3. Trouble falling" in page.content
    assert not QuestionnaireResponse.objects.exists()
    assert client.get(url).status_code == 200  # the link still works


def test_the_patient_answers_signed_in(world: World, case) -> None:
    client = world.client_for("patient")
    mine = client.get(reverse("outcomes:mine"))
    assert b"Hope about the future" in mine.content
    due = factories.due(case, "hope")
    assert (
        client.post(reverse("outcomes:own_answer", args=[due.pk]), {"item_1": "8"}).status_code
        == 302
    )
    response = QuestionnaireResponse.objects.get(due=due)
    assert (response.total, response.mode, response.entered_by) == (
        8,
        "signed_in",
        world.people["patient"],
    )


def test_a_patient_never_reaches_another_patients_questionnaire(world: World, case) -> None:
    other = factories.accepted_patient(world.home)
    answered = factories.answered(other, "gad7", [3] * 7, world.people["therapist"])
    client = world.client_for("patient")
    assert (
        client.get(
            reverse("outcomes:own_answer", args=[factories.due(other, "hope").pk])
        ).status_code
        == 404
    )
    assert client.get(reverse("outcomes:patient", args=[other.pk])).status_code == 404
    assert client.get(reverse("outcomes:correct", args=[answered.pk])).status_code == 404


def test_a_mentor_never_sees_answers(world: World, case) -> None:
    response = factories.answered(case, "phq9", [2] * 9, world.people["therapist"])
    client = world.client_for("mentor")
    for url in (
        reverse("outcomes:patient", args=[case.pk]),
        reverse("outcomes:correct", args=[response.pk]),
        reverse("outcomes:enter", args=[factories.due(case, "gad7").pk]),
    ):
        assert client.get(url).status_code == 404


def test_staff_enter_answers_on_the_patients_behalf(world: World, case) -> None:
    client = world.client_for("therapist")
    due = factories.due(case, "gad7")
    posted = client.post(
        reverse("outcomes:enter", args=[due.pk]), {f"item_{n}": "2" for n in range(1, 8)}
    )
    assert posted.status_code == 302
    response = QuestionnaireResponse.objects.get(due=due)
    assert (response.total, response.band, response.mode) == (14, "Moderate", EntryMode.STAFF)
    assert response.entered_by == world.people["therapist"]
    page = client.get(reverse("outcomes:patient", args=[case.pk]))
    assert b"Staff, on the patient" in page.content and b"Moderate" in page.content


def test_submitting_twice_records_once(world: World, case) -> None:
    due = factories.due(case, "hope")
    services.response_submit(
        due=due, answers=[4], mode=EntryMode.STAFF, actor=world.people["therapist"]
    )
    with pytest.raises(ValidationError, match="already been answered"):
        services.response_submit(
            due=due, answers=[6], mode=EntryMode.STAFF, actor=world.people["therapist"]
        )
    assert QuestionnaireResponse.objects.filter(due=due).count() == 1


def test_a_correction_is_a_new_version_with_a_reason(world: World, case) -> None:
    old = factories.answered(case, "gad7", [1] * 7, world.people["therapist"])
    client = world.client_for("therapist")
    url = reverse("outcomes:correct", args=[old.pk])
    answers = {f"item_{n}": "3" for n in range(1, 8)}
    refused = client.post(url, answers)
    assert refused.status_code == 400 and QuestionnaireResponse.objects.count() == 1
    assert (
        client.post(url, {**answers, "reason": "Typed from the paper form wrongly"}).status_code
        == 302
    )
    old.refresh_from_db()
    new = QuestionnaireResponse.objects.get(is_current=True, due=old.due)
    assert (old.is_current, old.answers, old.total) == (False, [1] * 7, 7)
    assert (new.total, new.supersedes, new.correction_reason) == (
        21,
        old,
        "Typed from the paper form wrongly",
    )


def test_answers_cannot_be_corrected_to_nothing(world: World, case) -> None:
    # A correction to all blanks would keep the questionnaire "answered" with no score.
    old = factories.answered(case, "gad7", [1] * 7, world.people["therapist"])
    response = world.client_for("therapist").post(
        reverse("outcomes:correct", args=[old.pk]), {"reason": "Entered for the wrong patient"}
    )
    assert response.status_code == 400
    assert "Enter at least one answer" in response.content.decode()
    old.refresh_from_db()
    assert old.is_current and QuestionnaireResponse.objects.count() == 1


def test_phq9_item_9_tells_the_therapist_the_same_day(world: World, case) -> None:
    factories.answered(case, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2], world.people["admin"])
    alert = Notification.objects.get(recipient=world.people["therapist"], kind="outcome_alert")
    assert alert.essential and "PHQ-9" in alert.subject
    assert case.family_name not in alert.subject


def test_the_work_status_answer_updates_the_timeline_from_the_first_day_back(
    world: World, case
) -> None:
    first_back = case.date_of_injury + dt.timedelta(days=60)
    factories.answered(
        case, "work_status", [1, 20, 1, 1, "", first_back.isoformat()], world.people["therapist"]
    )
    entry = WorkStatus.objects.get(patient=case)
    assert (entry.from_date, entry.status, entry.hours_per_week) == (
        first_back,
        "phased_return",
        20,
    )
    assert "Reported by the patient" in entry.note
    page = world.client_for("therapist").get(reverse("outcomes:patient", args=[case.pk]))
    assert b"60 days after injury" in page.content


def test_the_service_page_shows_the_rtw_curve_with_a_table(world: World) -> None:
    from alongside.patients.services import work_status_add

    for days in (30, 60, None, 90):
        patient = factories.accepted_patient(world.home)
        if days:
            work_status_add(
                actor=SYSTEM,
                patient=patient,
                from_date=patient.date_of_injury + dt.timedelta(days=days),
                status="full_return",
                hours_per_week=38,
            )
    client = world.client_for("analyst")
    page = client.get(reverse("outcomes:service", args=[world.home.slug]))
    assert page.status_code == 200
    assert b"4 accepted patients: 3 back at work" in page.content
    assert b"<strong>60 days</strong>" in page.content
    chart = client.get(reverse("outcomes:service_rtw_chart", args=[world.home.slug]))
    assert chart["Content-Type"].startswith("image/svg+xml")
    assert "script-src" not in chart["Content-Security-Policy"]
    assert b"Time from injury to first return to work" in chart.content


def test_accepting_a_referral_schedules_its_questionnaires(world: World) -> None:
    from alongside.patients.services import referral_accept
    from tests.patients.factories import PatientFactory

    patient = PatientFactory(service=world.home)
    referral_accept(actor=world.people["therapist"], patient=patient)
    assert (
        QuestionnaireDue.objects.filter(patient=patient, time_point__label="Baseline").count() == 6
    )


def test_the_sweep_tells_the_patient_once_and_reminds_once(world: World, case) -> None:
    from django.utils import timezone

    from alongside.outcomes.reminders import questionnaire_due_sweep

    now = timezone.now()
    # Two time points are open: baseline (accepted 5 days ago) and 3 months after injury.
    assert questionnaire_due_sweep(now) == 2
    assert questionnaire_due_sweep(now + dt.timedelta(days=3)) == 0
    told = Notification.objects.filter(recipient=world.people["patient"], kind="questionnaire_due")
    assert told.count() == 2 and {n.link for n in told} == {"/outcomes/mine/"}
    assert questionnaire_due_sweep(now + dt.timedelta(days=7)) == 2  # one reminder each
    assert questionnaire_due_sweep(now + dt.timedelta(days=8)) == 0


def test_the_sweep_asks_the_therapist_when_the_patient_has_no_account(world: World) -> None:
    from django.utils import timezone

    from alongside.outcomes.reminders import questionnaire_due_sweep

    factories.accepted_patient(world.home, allocated_therapist=world.people["therapist"])
    questionnaire_due_sweep(timezone.now())
    asked = Notification.objects.filter(
        recipient=world.people["therapist"], kind="questionnaire_due_staff"
    )
    assert asked.count() == 2 and all("no account" in n.body for n in asked)


def test_the_patients_home_names_the_questionnaires_their_list_names(world: World, case) -> None:
    client = world.client_for("patient")
    home = client.get(reverse("accounts:home")).content.decode()
    mine = client.get(reverse("outcomes:mine")).content.decode()
    for title in ("Patient Health Questionnaire (PHQ-9)", "Hope about the future"):
        assert title in mine and title in home
    assert "Nothing to answer" not in home


def test_saved_answers_come_back_and_nothing_is_recorded_until_sent(
    world: World, case, client
) -> None:
    url = _link(world, case)
    saved = client.post(url, {"item_1": "2", "item_2": "3", "save": "later"})
    assert saved.status_code == 200 and b"Your answers so far are saved" in saved.content
    assert not QuestionnaireResponse.objects.exists()
    resumed = client.get(url)
    assert b"Welcome back" in resumed.content
    assert (
        b'value="3" checked' in resumed.content
        or b'value="3"\n' in resumed.content
        or b"checked" in resumed.content
    )
    client.post(url, {**PHQ9_POST, "item_1": "2", "item_2": "3"})
    response = QuestionnaireResponse.objects.get(patient=case, instrument_id="phq9")
    assert response.answers[:2] == [2, 3] and factories.due(case, "phq9").draft_answers is None


def test_a_licensed_instrument_is_asked_only_after_its_licence_is_recorded(world: World) -> None:
    from alongside.outcomes.models import TimePoint

    client = world.client_for("admin")
    schedule = reverse("outcomes:schedule", args=[world.home.slug])
    assert b"Warwick-Edinburgh Mental Wellbeing Scale" in client.get(schedule).content
    baseline = TimePoint.objects.get(service=world.home, label="Baseline")
    refused = client.post(
        schedule, {"time_point": baseline.pk, f"tp{baseline.pk}-instruments": ["phq9", "wemwbs"]}
    )
    assert refused.status_code == 400
    licence = reverse("outcomes:licence", args=[world.home.slug, "wemwbs"])
    short = client.post(licence, {"licence": "Warwick licence 1", "item_texts": "One\nTwo"})
    assert short.status_code == 400 and b"has 14 items; 2 were pasted" in short.content
    items = "\n".join(f"Licensed item {n}" for n in range(1, 15))
    assert (
        client.post(licence, {"licence": "Warwick licence 1", "item_texts": items}).status_code
        == 302
    )
    saved = client.post(
        schedule, {"time_point": baseline.pk, f"tp{baseline.pk}-instruments": ["phq9", "wemwbs"]}
    )
    assert saved.status_code == 302
    baseline.refresh_from_db()
    assert baseline.instruments == ["phq9", "wemwbs"]
    patient = factories.accepted_patient(world.home, user=world.people["patient"])
    due = factories.due(patient, "wemwbs")
    page = world.client_for("patient").get(reverse("outcomes:own_answer", args=[due.pk]))
    assert b"Licensed item 14" in page.content
    other = world.client_for("outsider").get(
        reverse("outcomes:licence", args=[world.other.slug, "wemwbs"])
    )
    assert other.status_code == 404  # the outsider is no manager of their own service either


def test_the_service_sets_what_a_sustained_return_is(world: World, case) -> None:
    from alongside.outcomes import selectors
    from alongside.patients.services import work_status_add

    work_status_add(
        actor=SYSTEM,
        patient=case,
        from_date=case.date_of_injury + dt.timedelta(days=60),
        status="phased_return",
        hours_per_week=20,  # 53 % of 38 hours, for 35 days
    )
    assert selectors.rtw_outcome_of(case).sustained_rtw_on is None
    client = world.client_for("admin")
    schedule = reverse("outcomes:schedule", args=[world.home.slug])
    refused = client.post(schedule, {"sustained_weeks": "0", "sustained_percent": "50"})
    assert refused.status_code == 400
    saved = client.post(schedule, {"sustained_weeks": "5", "sustained_percent": "50"})
    assert saved.status_code == 302
    assert selectors.rtw_outcome_of(case).sustained_rtw_on == case.date_of_injury + dt.timedelta(
        days=60
    )


def _nothing_recorded(case, instrument_id: str = "phq9") -> bool:
    due = factories.due(case, instrument_id)
    return due.status == DueStatus.DUE and not QuestionnaireResponse.objects.filter(due=due)


def test_an_empty_questionnaire_from_the_link_is_refused_and_the_link_still_works(
    world: World, case, client
) -> None:
    url = _link(world, case)
    page = client.post(url, {})
    assert page.status_code == 400
    body = page.content.decode()
    assert "There is a problem" in body and "Answer at least one question" in body
    assert "Your answers have been sent" not in body
    assert _nothing_recorded(case)
    assert client.post(url, PHQ9_POST).status_code == 302  # the link was not used up


def test_an_empty_questionnaire_signed_in_is_refused(world: World, case) -> None:
    client = world.client_for("patient")
    due = factories.due(case, "hope")
    page = client.post(reverse("outcomes:own_answer", args=[due.pk]), {"item_1": ""})
    assert page.status_code == 400
    assert "Answer at least one question" in page.content.decode()
    assert _nothing_recorded(case, "hope")


def test_staff_cannot_record_an_empty_questionnaire(world: World, case) -> None:
    client = world.client_for("therapist")
    due = factories.due(case, "gad7")
    page = client.post(reverse("outcomes:enter", args=[due.pk]), {})
    assert page.status_code == 400
    assert "Enter at least one answer" in page.content.decode()
    assert _nothing_recorded(case, "gad7")


def test_the_service_refuses_no_answers_but_keeps_partial_answers(world: World, case) -> None:
    therapist = world.people["therapist"]
    with pytest.raises(ValidationError, match="at least one answer"):
        services.response_submit(
            due=factories.due(case, "phq9"),
            answers=[None] * 9,
            mode=EntryMode.STAFF,
            actor=therapist,
        )
    assert _nothing_recorded(case)
    # One item left out: the PHQ-9's own missing-item rule scores it, as before.
    partial = services.response_submit(
        due=factories.due(case, "phq9"),
        answers=[1] * 8 + [None],
        mode=EntryMode.STAFF,
        actor=therapist,
    )
    assert partial.missing == 1 and partial.total is not None


def test_a_questionnaire_past_its_date_says_it_can_still_be_answered(world: World, case) -> None:
    closes = factories.due(case, "phq9").window_closes
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(days=20)):
        client = world.client_for("patient")  # signed in then: sessions do not last 20 days
        home = client.get(reverse("accounts:home")).content.decode()
        mine = client.get(reverse("outcomes:mine")).content.decode()
    stale = f"please answer by {closes:%-d %B}".lower()
    for page in (home, mine):
        assert "past the date we asked for" in page and "you can still answer it" in page
        assert stale not in page.lower()
    on_time = world.client_for("patient").get(reverse("outcomes:mine")).content.decode()
    assert stale in on_time.lower() and "past the date" not in on_time  # today: on time


def test_patients_read_a_plain_time_point_and_staff_keep_baseline(world: World, case) -> None:
    mine = world.client_for("patient").get(reverse("outcomes:mine")).content.decode()
    assert "At the start" in mine and "Baseline" not in mine
    staff = world.client_for("therapist").get(reverse("outcomes:patient", args=[case.pk]))
    assert "Baseline" in staff.content.decode()


def test_patients_see_a_plain_credit_not_a_software_licence(world: World, case, client) -> None:
    patient = world.client_for("patient")
    hope = patient.get(reverse("outcomes:own_answer", args=[factories.due(case, "hope").pk]))
    assert "AGPL" not in hope.content.decode() and "licence" not in hope.content.decode()
    phq9 = client.get(_link(world, case)).content.decode()
    assert "Pfizer Inc." in phq9 and "No permission required" not in phq9
    staff = world.client_for("therapist").get(
        reverse("outcomes:enter", args=[factories.due(case, "hope").pk])
    )
    assert "AGPL-3.0-or-later" in staff.content.decode()  # staff keep the full licence


def test_the_thank_you_page_gives_the_services_own_emergency_number(
    world: World, case, client
) -> None:
    done = client.post(_link(world, case), PHQ9_POST)
    assert done["Location"] == reverse("outcomes_link:thanks")  # the address names nobody
    melbourne = client.get(done["Location"]).content.decode()
    assert 'call <a href="tel:000"><strong>000</strong></a>' in melbourne
    assert "tel:999" not in melbourne
    assert "in the UK" not in melbourne and "Lifeline 13 11 14" in melbourne

    world.home.country = "GB"
    world.home.save(update_fields=["country"])
    patient = world.client_for("patient")
    sent = patient.post(
        reverse("outcomes:own_answer", args=[factories.due(case, "hope").pk]), {"item_1": "6"}
    )
    england = patient.get(sent["Location"]).content.decode()
    assert 'href="tel:999"' in england and "Samaritans 116 123" in england
    assert "tel:000" not in england and "in Australia" not in england


def test_the_thank_you_page_opened_on_its_own_gives_both_numbers(client) -> None:
    page = client.get(reverse("outcomes_link:thanks")).content.decode()
    assert "000 in Australia or 999 in the UK" in page
