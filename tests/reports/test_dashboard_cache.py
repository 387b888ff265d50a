"""The dashboard's figures are cached per service and period, and any write they read
moves the service's generation so the next dashboard is worked out again."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alongside.contacts.models import Contact, EngagementSettings
from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import Mentor, WellbeingCheckIn
from alongside.outcomes.models import EntryMode, OutcomeSettings, QuestionnaireResponse
from alongside.patients.models import AT_WORK, Patient, WorkStatus
from alongside.patients.selectors import service_today
from alongside.reports import dashboard_cache, selectors
from alongside.reports.periods import Period
from tests.personas import World
from tests.reports.factories import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(world: World) -> World:
    populate(world.home, seed=5, patients=20)
    return world


def _period(world: World) -> Period:
    today = service_today(world.home)
    return Period(today - dt.timedelta(days=400), today)


def _plain(value: Any) -> Any:
    """Comparable figures: dataclasses and numpy arrays (the survival curve) as lists."""
    import dataclasses

    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "tolist"):
        return value.tolist()
    return value


def _all_sections(world: World) -> Any:
    board = selectors.dashboard(world.home, _period(world), pseudonymised=False)
    return _plain(
        (
            board.referrals,
            board.timeliness,
            board.engagement,
            board.mentors,
            board.rtw,
            board.questionnaires,
        )
    )


def test_a_repeat_dashboard_reads_the_cache(filled: World) -> None:
    with CaptureQueriesContext(connection) as cold:
        first = _all_sections(filled)
    with CaptureQueriesContext(connection) as warm:
        second = _all_sections(filled)
    assert second == first
    assert len(cold) > 20
    assert len(warm) == 1  # only the service's generation


def test_a_repeat_page_runs_fewer_queries(filled: World) -> None:
    client = filled.client_for("admin")
    url = reverse("reports:dashboard", args=[filled.home.slug])
    period = _period(filled)
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url, query).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        page = client.get(url, query)
    assert page.status_code == 200
    assert len(warm) < len(cold) - 20


def test_another_service_and_another_period_are_not_served_from_the_cache(
    filled: World,
) -> None:
    populate(filled.other, seed=6, patients=5)
    period = _period(filled)
    home = selectors.dashboard(filled.home, period, pseudonymised=False).referrals
    away = selectors.dashboard(filled.other, period, pseudonymised=False).referrals
    shorter = Period(period.end - dt.timedelta(days=30), period.end)
    recent = selectors.dashboard(filled.home, shorter, pseudonymised=False).referrals
    assert (
        home.referred
        == selectors.referral_figures(filled.home, period, pseudonymised=False).referred
    )
    assert away.referred == 5
    assert recent == selectors.referral_figures(filled.home, shorter, pseudonymised=False)


def test_analysts_get_their_own_cached_reasons(filled: World) -> None:
    period = _period(filled)
    clinical = selectors.dashboard(filled.home, period, pseudonymised=False).referrals
    analyst = selectors.dashboard(filled.home, period, pseudonymised=True).referrals
    assert analyst == selectors.referral_figures(filled.home, period, pseudonymised=True)
    assert clinical == selectors.referral_figures(filled.home, period, pseudonymised=False)


def _new_patient(world: World) -> None:
    from tests.patients.factories import PatientFactory

    today = service_today(world.home)
    PatientFactory(
        service=world.home,
        date_of_injury=today - dt.timedelta(days=30),
        date_of_referral=today - dt.timedelta(days=3),
        accepted_on=today - dt.timedelta(days=2),
        hours_per_week=Decimal(38),
        status="active",
    )


def _edit_patient(world: World) -> None:
    patient = Patient.objects.filter(service=world.home).first()
    assert patient is not None
    patient.decline_reason = "Moved away"
    patient.status = "ineligible"
    patient.save()


def _work_status(world: World) -> None:
    # A patient of the dashboard's cohort not yet back at work, so that the return shows in
    # the RTW figures whichever patients the world's random data sent back already.
    patient = (
        selectors.accepted_in(world.home, _period(world))
        .exclude(work_statuses__status__in=AT_WORK)
        .order_by("pk")
        .first()
    )
    assert patient is not None
    WorkStatus.objects.create(
        patient=patient,
        from_date=service_today(world.home),
        status="full_return",
        hours_per_week=Decimal(38),
    )


def _end_match(world: World) -> None:
    match = Match.objects.filter(service=world.home, status=MatchStatus.ACTIVE).first()
    assert match is not None
    match.status = MatchStatus.ENDED
    match.ended_at = timezone.now() - dt.timedelta(days=1)
    match.end_reason = "goals_met"
    match.save()


def _contact(world: World) -> None:
    match = Match.objects.filter(service=world.home, status=MatchStatus.ACTIVE).first()
    assert match is not None
    Contact.objects.create(
        match=match,
        service=world.home,
        contact_at=timezone.now() - dt.timedelta(hours=1),
        mode="phone",
        duration_minutes=20,
    )


def _delete_contact(world: World) -> None:
    for contact in Contact.objects.filter(service=world.home):
        contact.delete()


def _questionnaire(world: World) -> None:
    patient = Patient.objects.filter(service=world.home, accepted_on__isnull=False).first()
    assert patient is not None
    for total, days in ((20, 10), (5, 1)):
        QuestionnaireResponse.objects.create(
            patient=patient,
            instrument_id="phq9",
            instrument_version="1",
            answers=[],
            total=total,
            valid=True,
            mode=EntryMode.STAFF,
            completed_on=service_today(world.home) - dt.timedelta(days=days),
        )


def _mentor_capacity(world: World) -> None:
    mentor = Mentor.objects.filter(service=world.home).first()
    assert mentor is not None
    mentor.capacity += 3
    mentor.save()


def _checkin(world: World) -> None:
    mentor = Mentor.objects.filter(service=world.home).first()
    WellbeingCheckIn.objects.create(
        mentor=mentor, score=1, flagged=True, submitted_at=timezone.now()
    )


def _engagement_settings(world: World) -> None:
    EngagementSettings.objects.update_or_create(
        service=world.home, defaults={"check_in_after_days": 300, "quiet_after_days": 900}
    )


def _outcome_settings(world: World) -> None:
    OutcomeSettings.objects.update_or_create(service=world.home, defaults={"sustained_weeks": 1})


def _service_targets(world: World) -> None:
    world.home.mentor_introduced_days = 1
    world.home.save()


WRITES = {
    "new patient": _new_patient,
    "patient edited": _edit_patient,
    "work status": _work_status,
    "match ended": _end_match,
    "contact": _contact,
    "contact deleted": _delete_contact,
    "questionnaire": _questionnaire,
    "mentor capacity": _mentor_capacity,
    "wellbeing check-in": _checkin,
    "engagement settings": _engagement_settings,
    "outcome settings": _outcome_settings,
    "service targets": _service_targets,
}


@pytest.mark.parametrize("write", list(WRITES))
def test_every_kind_of_write_changes_the_next_dashboard(filled: World, write: str) -> None:
    before = _all_sections(filled)
    version = dashboard_cache.version(filled.home)
    WRITES[write](filled)
    assert dashboard_cache.version(filled.home) != version
    filled.home.refresh_from_db()
    after = _all_sections(filled)
    # What the page now shows is what the database says, not the cached copy...
    fresh = _plain(
        (
            selectors.referral_figures(filled.home, _period(filled), pseudonymised=False),
            selectors.timeliness(filled.home, _period(filled)),
            selectors.engagement_figures(
                filled.home, min(_period(filled).end, service_today(filled.home))
            ),
            selectors.mentor_figures(filled.home, _period(filled), service_today(filled.home)),
            selectors.return_to_work(filled.home, _period(filled)),
            selectors.questionnaire_change(filled.home, _period(filled)),
        )
    )
    assert after == fresh
    # ...and the write did change something the page shows.
    assert after != before


def test_a_write_in_another_service_keeps_this_services_cache(filled: World) -> None:
    _all_sections(filled)
    version = dashboard_cache.version(filled.home)
    populate(filled.other, seed=3, patients=2)
    assert dashboard_cache.version(filled.home) == version
