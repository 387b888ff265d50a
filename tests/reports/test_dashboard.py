"""The dashboard's figures against figures worked out here from the raw records."""

from __future__ import annotations

import datetime as dt
import statistics
import zoneinfo
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from alongside.contacts.models import Contact
from alongside.core import engagement as core_engagement
from alongside.core import targets as core_targets
from alongside.matches.models import Match, MatchStatus
from alongside.outcomes.models import QuestionnaireResponse
from alongside.patients.models import AT_WORK, Patient, PatientStatus
from alongside.patients.selectors import service_today
from alongside.reports import selectors
from alongside.reports.periods import Period
from tests.personas import World
from tests.reports.factories import populate

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(world: World) -> World:
    populate(world.home, seed=11, patients=45)
    return world


def _period(world: World) -> Period:
    today = service_today(world.home)
    return Period(today - dt.timedelta(days=250), today)


def _referred(world: World, period: Period) -> list[Patient]:
    return [
        p
        for p in Patient.objects.filter(service=world.home)
        if period.start <= p.date_of_referral <= period.end
    ]


def test_referral_counts_and_decline_reasons(filled: World) -> None:
    period = _period(filled)
    raw = _referred(filled, period)
    figures = selectors.referral_figures(filled.home, period, pseudonymised=False)
    assert figures.referred == len(raw) > 0
    assert figures.accepted == sum(p.accepted_on is not None for p in raw)
    assert figures.declined == sum(p.status == PatientStatus.INELIGIBLE for p in raw)
    reasons = Counter(p.decline_reason for p in raw if p.status == PatientStatus.INELIGIBLE)
    assert {r.reason: r.count for r in figures.reasons} == dict(reasons)


def test_analysts_do_not_see_rare_free_text_reasons(filled: World) -> None:
    period = _period(filled)
    figures = selectors.referral_figures(filled.home, period, pseudonymised=True)
    assert all(r.count >= selectors.ANALYST_MIN_REASON for r in figures.reasons)
    assert figures.reasons_hidden == figures.declined - sum(r.count for r in figures.reasons)


def test_median_days_to_first_mentor_contact_equals_the_raw_contacts(filled: World) -> None:
    period = _period(filled)
    zone = zoneinfo.ZoneInfo(filled.home.time_zone)
    days = []
    for p in _referred(filled, period):
        firsts = [
            c.contact_at.astimezone(zone).date() for c in Contact.objects.filter(match__patient=p)
        ]
        if firsts:
            days.append((min(firsts) - p.date_of_referral).days)
    assert len(days) >= 5
    found = selectors.timeliness(filled.home, period).referral_to_mentor
    assert found.measured == len(days)
    assert found.median == statistics.median(days)
    quartiles = statistics.quantiles(days, n=4, method="inclusive")
    assert found.lower_quartile == pytest.approx(quartiles[0])
    assert found.upper_quartile == pytest.approx(quartiles[2])
    assert sum(b.count for b in found.buckets) == len(days)


def test_days_to_therapist_and_its_working_day_target(filled: World) -> None:
    period = _period(filled)
    today = service_today(filled.home)
    raw = _referred(filled, period)
    found = selectors.timeliness(filled.home, period).referral_to_therapist
    days = [
        (p.first_therapist_contact_on - p.date_of_referral).days
        for p in raw
        if p.first_therapist_contact_on
    ]
    assert found.median == statistics.median(days)
    states = [
        core_targets.target_status(
            key="t",
            label="t",
            start=p.date_of_referral,
            days=filled.home.first_therapist_contact_days,
            working_days=True,
            done_on=p.first_therapist_contact_on,
            today=today,
        ).state
        for p in raw
        if p.status != PatientStatus.INELIGIBLE
    ]
    met = sum(s is core_targets.TargetState.MET for s in states)
    judged = sum(
        s
        in (
            core_targets.TargetState.MET,
            core_targets.TargetState.LATE,
            core_targets.TargetState.OVERDUE,
        )
        for s in states
    )
    assert (found.target_met, found.target_judged) == (met, judged)
    assert judged > met > 0


def test_injury_to_referral_median(filled: World) -> None:
    period = _period(filled)
    days = [(p.date_of_referral - p.date_of_injury).days for p in _referred(filled, period)]
    found = selectors.timeliness(filled.home, period).injury_to_referral
    assert found.median == statistics.median(days)
    assert found.measured == len(days)


def test_kaplan_meier_median_equals_lifelines_on_the_raw_timelines(filled: World) -> None:
    from lifelines import KaplanMeierFitter

    period = _period(filled)
    today = service_today(filled.home)
    durations, observed = [], []
    for p in Patient.objects.filter(
        service=filled.home, accepted_on__gte=period.start, accepted_on__lte=period.end
    ):
        back = [
            w.from_date
            for w in p.work_statuses.all()
            if w.status in AT_WORK and w.from_date >= p.date_of_injury
        ]
        if back:
            durations.append((min(back) - p.date_of_injury).days)
            observed.append(True)
        else:
            durations.append((today - p.date_of_injury).days)
            observed.append(False)
    assert sum(observed) >= 5
    rtw = selectors.return_to_work(filled.home, period)
    assert rtw.patients == len(durations)
    assert rtw.returned == sum(observed)
    fitter = KaplanMeierFitter().fit(durations, observed)
    expected = fitter.median_survival_time_
    if expected == float("inf"):
        assert rtw.curve.median is None
    else:
        assert rtw.curve.median == expected


def test_engagement_states_equal_the_core_rules(filled: World) -> None:
    today = service_today(filled.home)
    zone = zoneinfo.ZoneInfo(filled.home.time_zone)
    expected: Counter[str] = Counter()
    for match in Match.objects.filter(service=filled.home, status=MatchStatus.ACTIVE):
        dates = [c.contact_at.astimezone(zone).date() for c in match.contacts.all()]
        state = core_engagement.engagement(
            started_on=match.started_at.astimezone(zone).date(), contact_dates=dates, today=today
        ).state
        expected[state.value] += 1
    found = selectors.engagement_figures(filled.home, today)
    assert found.active == sum(expected.values()) > 0
    assert {k: v for k, v in found.by_state.items() if v} == dict(expected)


def test_questionnaire_change_from_baseline(filled: World) -> None:
    period = _period(filled)
    changes = {c.instrument_id: c for c in selectors.questionnaire_change(filled.home, period)}
    for instrument_id in ("phq9", "hope"):
        diffs = []
        for p in Patient.objects.filter(
            service=filled.home, accepted_on__gte=period.start, accepted_on__lte=period.end
        ):
            totals = list(
                QuestionnaireResponse.objects.filter(
                    patient=p, instrument_id=instrument_id, is_current=True, total__isnull=False
                )
                .order_by("completed_on", "pk")
                .values_list("total", flat=True)
            )
            if len(totals) >= 2:
                diffs.append(totals[-1] - totals[0])
        found = changes[instrument_id]
        assert found.patients == len(diffs)
        if diffs:
            assert found.mean_change == pytest.approx(round(statistics.mean(diffs), 2))
            better = [d for d in diffs if (d < 0 if instrument_id == "phq9" else d > 0)]
            assert found.improved == len(better)


def test_mentor_capacity_supervision_and_wellbeing(filled: World) -> None:
    from alongside.mentors.models import Mentor, MentorStatus, WellbeingCheckIn

    today = service_today(filled.home)
    period = _period(filled)
    mentors = list(Mentor.objects.filter(service=filled.home, status=MentorStatus.ACTIVE))
    found = selectors.mentor_figures(filled.home, period, today)
    assert found.places == sum(m.capacity for m in mentors)
    assert found.mentees == sum(m.mentee_count for m in mentors)
    assert found.supervision_overdue == sum(
        m.supervision_due_on is not None and m.supervision_due_on < today for m in mentors
    )
    checkins = WellbeingCheckIn.objects.filter(mentor__service=filled.home)
    assert found.flagged == sum(c.flagged for c in checkins)


def test_the_page_shows_the_figures_and_every_chart_renders(filled: World) -> None:
    client = filled.client_for("admin")
    period = _period(filled)
    query = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    response = client.get(reverse("reports:dashboard", args=[filled.home.slug]), query)
    assert response.status_code == 200
    page = response.content.decode()
    figures = selectors.referral_figures(filled.home, period, pseudonymised=False)
    assert f'<th scope="row">Received</th><td>{figures.referred}</td>' in page
    from alongside.reports.figures import CHARTS

    for name in CHARTS:
        assert f"/charts/{name}.svg" in page
        chart = client.get(reverse("reports:chart", args=[filled.home.slug, name]), query)
        assert chart.status_code == 200
        assert chart["Content-Type"].startswith("image/svg+xml")
        assert "script-src" not in chart["Content-Security-Policy"]
        assert chart.content.startswith(b"<svg")
        assert b"<script" not in chart.content
        assert "default-src 'none'" in chart["Content-Security-Policy"]


def test_comparing_two_periods_and_two_services(filled: World) -> None:
    from alongside.accounts.models import Role
    from tests.factories import MembershipFactory

    client = filled.client_for("admin")
    url = reverse("reports:dashboard", args=[filled.home.slug])
    today = service_today(filled.home)
    response = client.get(
        url,
        {
            "start": (today - dt.timedelta(days=90)).isoformat(),
            "end": today.isoformat(),
            "compare": "previous",
        },
    )
    assert response.status_code == 200
    previous = Period(today - dt.timedelta(days=90), today).previous()
    assert previous.label in response.content.decode()
    # Another service the admin does not belong to: 404, never its figures.
    response = client.get(url, {"compare": "service", "compare_service": filled.other.slug})
    assert response.status_code == 404
    MembershipFactory(user=filled.people["admin"], service=filled.other, role=Role.ADMIN)
    client = filled.client_for("admin")
    response = client.get(url, {"compare": "service", "compare_service": filled.other.slug})
    assert response.status_code == 200
    assert filled.other.name in response.content.decode()


def test_a_period_that_ends_before_it_starts_is_refused(world: World) -> None:
    client = world.client_for("therapist")
    response = client.get(
        reverse("reports:dashboard", args=[world.home.slug]),
        {"start": "2025-05-01", "end": "2025-04-01"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "must end on or after the day it starts" in page


def test_an_empty_service_shows_no_data_rather_than_failing(world: World) -> None:
    response = world.client_for("admin").get(reverse("reports:dashboard", args=[world.home.slug]))
    assert response.status_code == 200
    assert "No referral was declined." in response.content.decode()


def test_analysts_see_no_names_on_the_dashboard_or_fidelity(filled: World) -> None:
    client = filled.client_for("analyst")
    names = []
    for i, p in enumerate(Patient.objects.filter(service=filled.home)):
        p.family_name = f"Qxfamily{i:03d}"
        p.save(update_fields=["family_name"])
        names.append(p.family_name)
    for name in ("reports:dashboard", "reports:fidelity"):
        response = client.get(reverse(name, args=[filled.home.slug]))
        assert response.status_code == 200
        page = response.content.decode()
        assert "Pseudonymised view" in page
        leaked = [n for n in names if n in page]
        assert not leaked, [page[max(0, page.index(n) - 200) : page.index(n) + 50] for n in leaked]
    clinical = filled.client_for("therapist").get(
        reverse("reports:fidelity", args=[filled.home.slug])
    )
    assert any(n in clinical.content.decode() for n in names)


def test_dashboard_file_downloads(filled: World) -> None:
    import io

    from openpyxl import load_workbook

    client = filled.client_for("admin")
    url = reverse("reports:dashboard", args=[filled.home.slug])
    response = client.get(url, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Section", "Figure")
    period = selectors.Period(*_default(filled))
    referred = selectors.referral_figures(filled.home, period, pseudonymised=False).referred
    assert ("Referrals", "Referrals received", referred) in [r[:3] for r in rows]
    assert timezone.now()


def _default(world: World) -> tuple[dt.date, dt.date]:
    from alongside.reports.periods import default_period

    period = default_period(service_today(world.home))
    return period.start, period.end


def test_rtw_outcomes_from_value_rows_equal_the_rule_on_each_patient(filled: World) -> None:
    """The dashboard reads patients and work statuses as plain rows; each outcome must
    be the one ``rtw_outcome_of`` gives for the real patient and their timeline."""
    from alongside.outcomes.selectors import rtw_outcome_of

    period = _period(filled)
    cohort = selectors.accepted_in(filled.home, period).order_by("pk")
    expected = [rtw_outcome_of(p) for p in cohort]
    assert len(expected) > 10
    assert any(o.returned for o in expected) and any(not o.returned for o in expected)
    assert selectors.rtw_outcomes(filled.home, period) == expected
