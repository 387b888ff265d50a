"""Reads for contacts and engagement, always scoped to the person asking.

``engagement_for_matches(matches)`` is the bulk engagement read other apps
call (the caseload, the matches list, reports): two queries for any number of
matches, never one per match.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.contacts.models import (
    Concern,
    ConcernQuerySet,
    ConcernStatus,
    Contact,
    EngagementSettings,
    SurveyResponse,
    SurveyRole,
)
from alongside.core import NotFound
from alongside.core.crisis import URGENT_CONCERN_KINDS
from alongside.core.engagement import (
    Engagement,
    MentorEngagement,
    Thresholds,
    engagement,
    mentor_summary,
)
from alongside.core.naming import tell_apart
from alongside.matches.models import Match, MatchQuerySet, MatchStatus
from alongside.mentors.models import Mentor
from alongside.patients.models import Patient
from alongside.patients.selectors import SummaryFact

# Matches whose contacts a mentor keeps seeing: the current one and past ones.
MENTOR_CONTACT_STATUSES = (MatchStatus.ACTIVE, MatchStatus.ENDED)


def _local_date(moment: dt.datetime, zone: Any) -> dt.date:
    return moment.astimezone(zone).date()


# --- Engagement in bulk ---------------------------------------------------------------


def thresholds_for_services(service_ids: Iterable[int]) -> dict[int, Thresholds]:
    found = {
        s.service_id: s.thresholds
        for s in EngagementSettings.objects.filter(service_id__in=set(service_ids))
    }
    return defaultdict(Thresholds, found)


def engagement_for_matches(
    matches: Sequence[Match],
    today: dt.date | None = None,
    *,
    thresholds: Mapping[int, Thresholds] | None = None,
) -> dict[int, Engagement]:
    """Engagement of each started match (match id -> Engagement), in two queries, or one
    when the caller already holds the services' ``thresholds``.

    An ended match is measured up to the day it ended. Matches that never
    started are left out.
    """
    started = [m for m in matches if m.started_at is not None]
    if not started:
        return {}
    today = today or timezone.localdate()
    if thresholds is None:
        thresholds = thresholds_for_services({m.service_id for m in started})
    dates: dict[int, list[dt.date]] = defaultdict(list)
    modes: dict[int, set[str]] = defaultdict(set)
    rows = Contact.objects.filter(match_id__in=[m.pk for m in started]).values_list(
        "match_id", "contact_at", "mode"
    )
    for match_id, contact_at, mode in rows.order_by():
        dates[match_id].append(timezone.localdate(contact_at))
        modes[match_id].add(mode)
    result = {}
    for match in started:
        until = today
        if match.ended_at is not None:
            until = min(today, timezone.localdate(match.ended_at))
        result[match.pk] = engagement(
            started_on=timezone.localdate(match.started_at),
            contact_dates=dates[match.pk],
            today=until,
            thresholds=thresholds[match.service_id],
            modes=modes[match.pk],
        )
    return result


# --- Who may do what with a match's contacts ---------------------------------------------


def own_mentor_matches(user: User) -> MatchQuerySet:
    """The signed-in mentor's own active and ended matches."""
    if not user.is_authenticated:
        return Match.objects.none()
    return Match.objects.filter(
        mentor__in=Mentor.objects.own(user).filter(
            service_id__in=policy.service_ids(user, "contact.own")
        ),
        status__in=MENTOR_CONTACT_STATUSES,
    )


def _with_sharing(qs: MatchQuerySet) -> MatchQuerySet:
    """Annotate whether the patient currently lets mentors see their first name."""
    return qs.annotate(
        patient_shares=Exists(
            Patient.objects.sharing_with_mentors().filter(pk=OuterRef("patient_id"))
        )
    )


def match_for_contacts_or_404(user: User, match_id: int) -> Match:
    """A match whose contacts the person may read: the service's clinical team, or its mentor."""
    staff = Match.objects.filter(service_id__in=policy.service_ids(user, "contact.view"))
    qs = (staff | own_mentor_matches(user)).distinct()
    return get_object_or_404(
        _with_sharing(qs)
        .select_related(
            "service", "mentor", "mentor__supervisor", "patient", "patient__allocated_therapist"
        )
        .audited(user, "contact.view"),
        pk=match_id,
    )


def match_for_logging_or_404(user: User, match_id: int) -> Match:
    """Staff may log for any started match of their service; a mentor for their own active ones."""
    staff = Match.objects.filter(
        service_id__in=policy.service_ids(user, "contact.log"),
        status__in=MENTOR_CONTACT_STATUSES,
    )
    own = own_mentor_matches(user).filter(status=MatchStatus.ACTIVE)
    return get_object_or_404(
        _with_sharing((staff | own).distinct())
        .select_related("service", "mentor", "patient")
        .audited(user, "contact.log"),
        pk=match_id,
    )


CONSENT_WITHDRAWN = (
    "The patient has withdrawn their consent to share with a peer mentor, so no new "
    "contact can be logged for this pair. The supervising therapist will talk it over."
)


def contact_logging_closed_reason(match: Match) -> str:
    """Why no new contact may be logged for this pair, or "" when one may.

    A contact needs the patient's current consent to share with a mentor: a
    withdrawal stops new contacts at once, for the mentor and the clinical team, on
    the pages and in the API (``services.contact_log`` asks here, inside its lock).
    """
    if not Patient.objects.filter(pk=match.patient_id).sharing_with_mentors().exists():
        return CONSENT_WITHDRAWN
    return ""


def is_staff_for(user: User, match: Match) -> bool:
    return policy.can(user, "contact.view", match)


def may_edit_contact(user: User, contact: Contact) -> bool:
    match = contact.match
    if policy.can(user, "contact.log", contact):
        return True
    return policy.is_mentor_of(user, match, contact)


def contact_for_edit_or_404(user: User, contact_id: int) -> Contact:
    contact = get_object_or_404(
        Contact.objects.visible_to(user)
        .select_related("match", "match__mentor", "service")
        .audited(user, "contact.edit"),
        pk=contact_id,
    )
    if not may_edit_contact(user, contact):
        raise NotFound
    return contact


def match_label(user: User, match: Match) -> str:
    """How a pair is named to this person: staff see names; a mentor sees the first
    name only while the patient shares it."""
    if is_staff_for(user, match):
        return (
            f"{match.patient.given_name} {match.patient.family_name} with {match.mentor.full_name}"
        )
    if getattr(match, "patient_shares", False):
        return match.patient.given_name
    return "Your mentee"


@dataclass(frozen=True)
class HistoryRow:
    contact: Contact
    concerns: list[Concern]


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """The contacts a person may read, newest first: the API's list (audited as fetched,
    so a page notes only its own rows)."""
    return (
        Contact.objects.visible_to(user)
        .select_related("match__mentor")
        .order_by("-contact_at", "-pk")
        .audited(user, "contact.list")
    )


def contact_history(user: User, match: Match) -> list[HistoryRow]:
    contacts = list(
        Contact.objects.visible_to(user)
        .filter(match=match)
        .select_related("logged_by")
        .prefetch_related("revisions")
        .order_by("-contact_at", "-pk")
        .audited(user, "contact.history")
    )
    concerns: dict[int, list[Concern]] = defaultdict(list)
    for concern in (
        Concern.objects.visible_to(user)
        .filter(contact__match=match)
        .audited(user, "contact.history")
    ):
        concerns[concern.contact_id].append(concern)
    return [HistoryRow(contact=c, concerns=concerns[c.pk]) for c in contacts]


# --- The mentor's pairs -------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    match: Match
    label: str
    engagement: Engagement | None
    can_log: bool
    survey_due: bool
    ended_by_service: bool = False


def mentor_pairs(user: User, today: dt.date | None = None) -> list[PairRow]:
    matches = list(
        _with_sharing(own_mentor_matches(user))
        .select_related("patient", "mentor", "service")
        .audited(user, "contact.own_pairs")
        .order_by(
            Case(When(status=MatchStatus.ACTIVE, then=Value(0)), default=Value(1)),
            "-started_at",
        )
    )
    measures = engagement_for_matches(matches, today)
    answered = set(
        SurveyResponse.objects.filter(match__in=matches, role=SurveyRole.MENTOR).values_list(
            "match_id", flat=True
        )
    )
    # A mentee who stopped sharing is not named at all: the pair reads "ended by the
    # service" (the therapist reviews it), and only engagement of active pairs shows.
    sharing = [m for m in matches if m.patient_shares]
    labels = dict(
        zip(
            [m.pk for m in sharing],
            tell_apart(
                [m.patient.given_name for m in sharing],
                [timezone.localdate(m.proposed_at) for m in sharing],
            ),
            strict=True,
        )
    )
    return [
        PairRow(
            match=m,
            label=labels.get(m.pk, "Your mentee"),
            engagement=measures.get(m.pk) if m.status == MatchStatus.ACTIVE else None,
            can_log=m.status == MatchStatus.ACTIVE and m.patient_shares,
            survey_due=m.status == MatchStatus.ENDED and m.pk not in answered,
            ended_by_service=m.status == MatchStatus.ACTIVE and not m.patient_shares,
        )
        for m in matches
    ]


# --- Staff: pairs, concerns, home panel ---------------------------------------------------


@dataclass(frozen=True)
class StaffPairRow:
    match: Match
    engagement: Engagement | None


def engagement_by_mentor(rows: Sequence[StaffPairRow]) -> list[tuple[Mentor, MentorEngagement]]:
    """Per-mentor summary of the given pairs (no extra query), mentors by name."""
    grouped: dict[int, list[StaffPairRow]] = defaultdict(list)
    for row in rows:
        grouped[row.match.mentor_id].append(row)
    return sorted(
        (
            (group[0].match.mentor, mentor_summary([r.engagement for r in group if r.engagement]))
            for group in grouped.values()
        ),
        key=lambda item: (item[0].last_name, item[0].first_name, item[0].pk),
    )


def concerns_for_staff(user: User, status: str = "") -> ConcernQuerySet:
    """The concerns inbox: open first, then acknowledged, then closed; newest first within."""
    qs = (
        Concern.objects.visible_to(user)
        .filter(service_id__in=policy.service_ids(user, "concern.manage"))
        .select_related(
            "contact",
            "contact__match",
            "contact__match__mentor",
            "contact__match__patient",
            "raised_by",
            "service",
        )
        .audited(user, "concern.list")
        .annotate(
            status_order=Case(
                When(status=ConcernStatus.OPEN, then=Value(0)),
                When(status=ConcernStatus.ACKNOWLEDGED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("status_order", "-raised_at", "-pk")
    )
    return qs.filter(status=status) if status else qs


def concern_for_staff_or_404(user: User, concern_id: int) -> Concern:
    return get_object_or_404(concerns_for_staff(user).audited(user, "concern.view"), pk=concern_id)


def open_concerns_for(user: User) -> list[Concern]:
    """Open or acknowledged concerns this person was told about, or in pairs they look after."""
    return list(
        concerns_for_staff(user)
        .exclude(status=ConcernStatus.CLOSED)
        .filter(
            Q(notified=user)
            | Q(contact__match__mentor__supervisor=user)
            | Q(contact__match__patient__allocated_therapist=user)
        )
        .distinct()[:50]
    )


def urgent_concerns_for(user: User) -> list[Concern]:
    """Unacknowledged risk-to-self or risk-to-others concerns in the person's services,
    oldest first: the top of every clinical team member's home page."""
    return list(
        concerns_for_staff(user)
        .filter(status=ConcernStatus.OPEN, kind__in=sorted(URGENT_CONCERN_KINDS))
        .select_related("contact__match__patient", "contact__match__mentor")
        .order_by("raised_at", "pk")[:20]
    )


# --- End-of-match survey -----------------------------------------------------------------


def survey_role_for(user: User, match: Match) -> str | None:
    """ "mentor" or "patient" when this person may answer the survey of this ended match."""
    if match.status != MatchStatus.ENDED or not policy.can(user, "survey.respond", match):
        return None
    if policy.is_mentor_of(user, match):
        return SurveyRole.MENTOR
    if policy.is_own_patient_record(user, match.patient, match):
        return SurveyRole.PATIENT
    return None


def survey_match_or_404(user: User, match_id: int) -> tuple[Match, str]:
    match = get_object_or_404(
        Match.objects.select_related("mentor", "patient", "service").audited(user, "survey.view"),
        pk=match_id,
    )
    role = survey_role_for(user, match)
    if role is None:
        raise NotFound
    return match, role


def survey_answered(match: Match, role: str) -> bool:
    return SurveyResponse.objects.filter(match=match, role=role).exists()


def service_for_settings_or_404(user: User, service_id: int) -> Any:
    from alongside.organisations.models import Service

    return get_object_or_404(Service.objects.visible_to(user, "contact.configure"), pk=service_id)


# --- Crisis numbers -------------------------------------------------------------------------


@dataclass(frozen=True)
class CrisisContacts:
    """Who to call when someone may be in danger, for one pair's service."""

    emergency: str
    crisis_line: str
    supervisor_name: str
    duty_phone: str
    support_resources: str


def crisis_contacts_for(match: Match) -> CrisisContacts:
    service = match.service
    numbers = service.crisis_numbers
    supervisor = match.mentor.supervisor
    return CrisisContacts(
        emergency=numbers.emergency,
        crisis_line=numbers.crisis_line,
        supervisor_name=supervisor.display_name if supervisor is not None else "",
        duty_phone=service.duty_phone,
        support_resources=service.support_resources,
    )


def case_summary_concerns(user: User, patient: Patient) -> list[SummaryFact]:
    """The "Open concerns" line of a record's summary (``patients.selectors.CASE_SUMMARY_FACTS``):
    concerns not yet closed about any of the patient's matches, in one audited query."""
    concerns = list(
        Concern.objects.visible_to(user)
        .filter(contact__match__patient=patient)
        .exclude(status=ConcernStatus.CLOSED)
        .order_by("-raised_at", "-pk")
        .audited(user, "concern.list")[:5]
    )
    if not concerns:
        return [SummaryFact(order=70, label="Open concerns", text="No open concerns")]
    # The kinds as their labels say them ("I am upset by this contact ..."), newest first.
    kinds = "; ".join(f"{c.get_kind_display()}, {c.get_status_display().lower()}" for c in concerns)
    newest = concerns[0]
    return [
        SummaryFact(
            order=70,
            label="Open concerns",
            text=f"{len(concerns)}{' or more' if len(concerns) == 5 else ''} not closed: {kinds}",
            url=reverse("contacts:concern", kwargs={"concern_id": newest.pk}),
            link_text="The newest concern",
            alert=True,
        )
    ]
