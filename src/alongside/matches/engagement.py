"""The engagement-feedback report: which criteria predicted engagement here.

Outcomes come from the match itself (status and end reason) and, where the
contacts app has records, from contacts: days from the match starting to the
first contact and contacts in the first 8 weeks. The statistics are pure
(``alongside.core.match_engagement``); this module gathers the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from alongside.core import match_engagement as stats
from alongside.core.matching import CRITERIA
from alongside.core.matching.explain import CRITERION_LABELS
from alongside.matches.models import EndReason, Match, MatchStatus
from alongside.matches.profiles import weights_for
from alongside.organisations.models import Service

EIGHT_WEEKS = dt.timedelta(weeks=8)
ENGAGED_ENDINGS = {EndReason.GOALS_MET}
NOT_ENGAGED_ENDINGS = {EndReason.NO_CONTACT, EndReason.PATIENT_WITHDREW}
# With contact records, a pair that met at least this often in 8 weeks engaged.
ENGAGED_CONTACTS = 2


def _contact_model() -> Any:
    try:
        model = apps.get_model("contacts", "Contact")
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if {"match", "contact_at"} <= names else None


def _started(service: Service) -> Any:
    qs = Match.objects.filter(
        service=service,
        status__in=[MatchStatus.ACTIVE, MatchStatus.ENDED],
        started_at__isnull=False,
    )
    if _contact_model() is not None:
        qs = qs.annotate(
            first_contact_at=Min("contacts__contact_at"),
            contacts_8w=Count(
                "contacts",
                filter=Q(contacts__contact_at__lt=F("started_at") + EIGHT_WEEKS),
            ),
        )
    return qs


def _outcome(match: Any, has_contacts: bool) -> stats.Outcome | None:
    days = contacts = None
    if has_contacts:
        contacts = match.contacts_8w
        if match.first_contact_at is not None:
            days = max(0.0, (match.first_contact_at - match.started_at).total_seconds() / 86400)
    if match.status == MatchStatus.ENDED and match.end_reason in ENGAGED_ENDINGS:
        engaged = True
    elif match.status == MatchStatus.ENDED and match.end_reason in NOT_ENGAGED_ENDINGS:
        engaged = False
    elif has_contacts:
        # Eight weeks must have passed before "contacts in the first 8 weeks" can judge.
        if timezone.now() - match.started_at < EIGHT_WEEKS:
            return None
        engaged = (contacts or 0) >= ENGAGED_CONTACTS
    elif match.status == MatchStatus.ACTIVE:
        engaged = True
    else:
        return None  # ended for a reason that says nothing about engagement
    return stats.Outcome(
        parts=match.criterion_scores or {},
        engaged=engaged,
        days_to_first_contact=days,
        contacts_first_8_weeks=contacts,
    )


@dataclass(frozen=True)
class ChartBar:
    label: str
    r: float | None
    x: float
    y: float
    width: float
    positive: bool


CHART_ZERO_X = 260.0
CHART_SCALE = 200.0  # pixels for a correlation of 1
CHART_ROW = 34.0


def chart_bars(summary: stats.EngagementSummary) -> list[ChartBar]:
    bars = []
    for i, row in enumerate(summary.criteria):
        r = row.correlation
        width = abs(r or 0.0) * CHART_SCALE
        x = CHART_ZERO_X if (r or 0.0) >= 0 else CHART_ZERO_X - width
        bars.append(
            ChartBar(
                label=CRITERION_LABELS.get(row.name, row.name),
                r=r,
                x=round(x, 1),
                y=10 + i * CHART_ROW,
                width=round(width, 1),
                positive=(r or 0.0) >= 0,
            )
        )
    return bars


def engagement_report(service: Service) -> dict[str, Any]:
    has_contacts = _contact_model() is not None
    outcomes = [o for m in _started(service) if (o := _outcome(m, has_contacts)) is not None]
    weights = weights_for(service)
    current = dict(zip(CRITERIA, weights.as_tuple(), strict=True))
    summary = stats.summarise(outcomes, CRITERIA, current)
    bars = chart_bars(summary)
    return {
        "summary": summary,
        "rows": [
            {
                "label": CRITERION_LABELS.get(c.name, c.name),
                "c": c,
                "weight": current[c.name],
                "suggested": summary.suggested_weights.get(c.name),
            }
            for c in summary.criteria
        ],
        "bars": bars,
        "chart_height": 20 + len(bars) * CHART_ROW,
        "zero_x": CHART_ZERO_X,
        "has_contacts": has_contacts,
        "engaged_contacts": ENGAGED_CONTACTS,
    }
