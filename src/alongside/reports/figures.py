"""The dashboard's figures as rows (for its tables, its CSV/XLSX file and its charts).

Every chart is drawn from the same rows as the table beside it, so the picture and
the numbers cannot differ.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygal

from alongside.reports import charts
from alongside.reports.selectors import Dashboard, Distribution


@dataclass(frozen=True)
class Column:
    """One side of the page: a service and period (two columns when comparing)."""

    label: str
    dashboard: Dashboard

    @property
    def km_table(self) -> list[charts.KmRow]:
        return charts.km_table(self.dashboard.rtw.curve)


TIMELINESS = ("injury_to_referral", "referral_to_therapist", "referral_to_mentor")


def timeliness_sections(
    columns: Sequence[Column],
) -> list[tuple[str, Distribution, list[Distribution]]]:
    """(chart name, first column's distribution, every column's) per timeliness measure."""
    return [
        (
            key,
            getattr(columns[0].dashboard.timeliness, key),
            [getattr(c.dashboard.timeliness, key) for c in columns],
        )
        for key in TIMELINESS
    ]


def bucket_rows(section: list[Distribution]) -> list[tuple[Any, list[int]]]:
    first = section[0]
    return [(b, [d.buckets[i].count for d in section]) for i, b in enumerate(first.buckets)]


def _fmt(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        value = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{value}{unit}"


def figure_rows(columns: Sequence[Column]) -> list[tuple[str, str, list[Any]]]:
    """(section, figure, one value per column): the whole dashboard as one table."""
    rows: list[tuple[str, str, list[Any]]] = []

    # A pick takes the dashboard (and, in the loops, the loop's key bound as a default).
    def add(section: str, label: str, pick: Callable[..., Any]) -> None:
        rows.append((section, label, [pick(c.dashboard) for c in columns]))

    add("Referrals", "Referrals received", lambda d: d.referrals.referred)
    add("Referrals", "Accepted", lambda d: d.referrals.accepted)
    add("Referrals", "Declined", lambda d: d.referrals.declined)
    add("Referrals", "Awaiting a decision", lambda d: d.referrals.awaiting)
    add("Referrals", "Accepted of those decided (%)", lambda d: d.referrals.acceptance_percent)
    for key in ("injury_to_referral", "referral_to_therapist", "referral_to_mentor"):
        title = getattr(columns[0].dashboard.timeliness, key).title
        add(title, "Referrals measured", lambda d, k=key: getattr(d.timeliness, k).measured)
        add(title, "Median (days)", lambda d, k=key: getattr(d.timeliness, k).median)
        add(
            title, "Lower quartile (days)", lambda d, k=key: getattr(d.timeliness, k).lower_quartile
        )
        add(
            title, "Upper quartile (days)", lambda d, k=key: getattr(d.timeliness, k).upper_quartile
        )
        if key != "injury_to_referral":
            add(title, "Still waiting", lambda d, k=key: getattr(d.timeliness, k).waiting)
            add(title, "Target met (%)", lambda d, k=key: getattr(d.timeliness, k).target_percent)
    add("Matches", "Active matches", lambda d: d.engagement.active)
    for value, label, _ in columns[0].dashboard.engagement.rows():
        add("Matches", f"Engagement: {label}", lambda d, v=value: d.engagement.by_state[v])
    add("Matches", "Proposed, not yet active", lambda d: d.engagement.proposed_waiting)
    add("Mentors (now)", "Active mentors", lambda d: d.mentors.active)
    add("Mentors (now)", "Places", lambda d: d.mentors.places)
    add("Mentors (now)", "Mentees", lambda d: d.mentors.mentees)
    add("Mentors (now)", "Places in use (%)", lambda d: d.mentors.load_percent)
    add("Mentors (now)", "Mentors at capacity", lambda d: d.mentors.full)
    add("Mentors (now)", "Supervision overdue", lambda d: d.mentors.supervision_overdue)
    add(
        "Mentors (now)", "Overdue beyond the grace period", lambda d: d.mentors.supervision_blocking
    )
    add("Well-being", "Check-ins in the period", lambda d: d.mentors.checkins)
    add("Well-being", "Flagged check-ins", lambda d: d.mentors.flagged)
    add("Well-being", "Flagged, not yet acknowledged", lambda d: d.mentors.flagged_unacknowledged)
    add("Well-being", "Mean score (1–5)", lambda d: d.mentors.mean_wellbeing)
    add("Return to work", "Patients accepted in the period", lambda d: d.rtw.patients)
    add("Return to work", "Back at work at least once", lambda d: d.rtw.returned)
    add("Return to work", "Sustained return", lambda d: d.rtw.sustained)
    add(
        "Return to work",
        "Median days from injury to first RTW",
        lambda d: d.rtw.curve.median if d.rtw.curve else None,
    )
    add("Hours", "Back at work with hours known", lambda d: d.rtw.with_hours)
    add("Hours", "Median hours a week now", lambda d: d.rtw.median_hours_now)
    add("Hours", "Median hours a week before injury", lambda d: d.rtw.median_hours_before)
    for i, change in enumerate(columns[0].dashboard.questionnaires):
        section = f"{change.title} ({change.direction})"
        add(
            section,
            "Patients with a baseline and a later score",
            lambda d, i=i: d.questionnaires[i].patients,
        )
        add(section, "Mean at baseline", lambda d, i=i: d.questionnaires[i].mean_baseline)
        add(section, "Mean latest", lambda d, i=i: d.questionnaires[i].mean_latest)
        add(section, "Mean change", lambda d, i=i: d.questionnaires[i].mean_change)
        add(section, "Improved", lambda d, i=i: d.questionnaires[i].improved)
    return rows


# --- Charts ------------------------------------------------------------------------


def _bar(title: str, y_title: str, labels: list[str], series: list[tuple[str, list[Any]]]) -> str:
    drawn = charts.chart(
        pygal.Bar,
        title=title,
        y_title=y_title,
        x_label_rotation=0,
        print_values=True,
        truncate_label=-1,
        show_legend=len(series) > 1,
    )
    drawn.x_labels = labels
    if any(v for _, values in series for v in values):
        for name, values in series:
            drawn.add(name, values)
    return charts.render(drawn)


def _distribution_chart(columns: Sequence[Column], key: str) -> str:
    first: Distribution = getattr(columns[0].dashboard.timeliness, key)
    labels = [
        f"{b.label}{' ✓' if b.within_target else ''}" for b in first.buckets
    ]  # ✓ marks the buckets within the target
    title = first.title
    if first.target_rule:
        title += " (✓ within target)"
    return _bar(
        title,
        "Referrals",
        labels,
        [
            (c.label, [b.count for b in getattr(c.dashboard.timeliness, key).buckets])
            for c in columns
        ],
    )


def chart_svg(name: str, columns: Sequence[Column]) -> str | None:
    """The SVG of chart ``name``, or None when there is no such chart."""
    if name == "referrals":
        return _bar(
            "Referrals in the period",
            "Referrals",
            ["Received", "Accepted", "Declined", "Awaiting"],
            [
                (
                    c.label,
                    [
                        c.dashboard.referrals.referred,
                        c.dashboard.referrals.accepted,
                        c.dashboard.referrals.declined,
                        c.dashboard.referrals.awaiting,
                    ],
                )
                for c in columns
            ],
        )
    if name in ("injury_to_referral", "referral_to_therapist", "referral_to_mentor"):
        return _distribution_chart(columns, name)
    if name == "engagement":
        rows = columns[0].dashboard.engagement.rows()
        return _bar(
            "Active matches by engagement state",
            "Matches",
            [label for _, label, _ in rows],
            [(c.label, [c.dashboard.engagement.by_state[v] for v, _, _ in rows]) for c in columns],
        )
    if name == "mentor_load":
        most = max([m for c in columns for m, _ in c.dashboard.mentors.load] or [0])
        return _bar(
            "Active mentors by number of mentees (now)",
            "Mentors",
            [str(n) for n in range(most + 1)],
            [
                (c.label, [dict(c.dashboard.mentors.load).get(n, 0) for n in range(most + 1)])
                for c in columns
            ],
        )
    if name == "rtw":
        return charts.km_chart(
            [(c.label, c.dashboard.rtw.curve) for c in columns],
            title="Time from injury to first return to work",
            band=len(columns) == 1,
        )
    if name == "hours":
        bands = columns[0].dashboard.rtw.hours_bands
        return _bar(
            "Hours a week now against before the injury",
            "Patients back at work",
            [b.label for b in bands],
            [(c.label, [b.count for b in c.dashboard.rtw.hours_bands]) for c in columns],
        )
    if name == "questionnaires":
        changes = columns[0].dashboard.questionnaires
        return _bar(
            "Mean change from baseline (points)",
            "Points",
            [f"{q.title} ({q.direction})" for q in changes],
            [(c.label, [q.mean_change for q in c.dashboard.questionnaires]) for c in columns],
        )
    return None


CHARTS = (
    "referrals",
    "injury_to_referral",
    "referral_to_therapist",
    "referral_to_mentor",
    "engagement",
    "mentor_load",
    "rtw",
    "hours",
    "questionnaires",
)
