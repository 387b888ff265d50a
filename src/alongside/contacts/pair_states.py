"""Engagement state of active pairs derived in SQL, so the pairs page pages, filters and
sorts in the database instead of judging every pair in Python (it once stopped at 1,000).

The rule is :func:`alongside.core.engagement.engagement` — *not started* (no contact),
*quiet* (no contact for ``quiet_after_days``), *needs check-in* (``check_in_after_days``),
otherwise *on track*, and a first contact overdue after ``first_contact_days``. Here it is
restated as comparisons of local dates against ``today - N days`` per service, which
every database can do; ``tests/scale/test_paging.py`` checks both agree on generated rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest, TruncDate
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.contacts.models import Contact
from alongside.contacts.selectors import (
    StaffPairRow,
    engagement_by_mentor,
    engagement_for_matches,
    thresholds_for_services,
)
from alongside.core.engagement import EngagementState, MentorEngagement, Thresholds
from alongside.matches.models import Match, MatchQuerySet, MatchStatus
from alongside.mentors.models import Mentor

# Most in need first, as the page has always listed them.
STATE_ORDER = {
    EngagementState.QUIET: 0,
    EngagementState.NOT_STARTED: 1,
    EngagementState.NEEDS_CHECK_IN: 2,
    EngagementState.ON_TRACK: 3,
}


def with_engagement_state(
    qs: MatchQuerySet,
    service_ids: Iterable[int],
    today: dt.date,
    thresholds: Mapping[int, Thresholds] | None = None,
) -> MatchQuerySet:
    """``qs`` annotated with ``engagement_state``, ``state_order`` and ``attention``
    (0 = needs attention) as of ``today``, for active pairs of ``service_ids``."""
    tz = timezone.get_current_timezone()
    if thresholds is None:
        thresholds = thresholds_for_services(service_ids)
    ids = sorted(set(service_ids))
    last_day = (
        Contact.objects.filter(match=OuterRef("pk"))
        .annotate(day=TruncDate("contact_at", tzinfo=tz))
        .filter(day__lte=today)
        .order_by("-day")
        .values("day")[:1]
    )
    qs = qs.annotate(
        started_on=TruncDate("started_at", tzinfo=tz),
        last_contact_day=Subquery(last_day),
    ).annotate(
        # A contact dated before the start counts as on the start day.
        last_effective=Greatest(F("last_contact_day"), F("started_on")),
    )

    def before(field: str, days_attr: str, state: str) -> list[When]:
        return [
            When(
                Q(service_id=sid)
                & Q(
                    **{
                        f"{field}__lte": today
                        - dt.timedelta(days=getattr(thresholds[sid], days_attr))
                    }
                ),
                then=Value(state),
            )
            for sid in ids
        ]

    state = Case(
        When(last_contact_day__isnull=True, then=Value(EngagementState.NOT_STARTED.value)),
        *before("last_effective", "quiet_after_days", EngagementState.QUIET.value),
        *before("last_effective", "check_in_after_days", EngagementState.NEEDS_CHECK_IN.value),
        default=Value(EngagementState.ON_TRACK.value),
        output_field=CharField(),
    )
    overdue = [
        When(
            Q(service_id=sid)
            & Q(last_contact_day__isnull=True)
            & Q(started_on__lt=today - dt.timedelta(days=thresholds[sid].first_contact_days)),
            then=Value(0),
        )
        for sid in ids
    ]
    qs = qs.annotate(engagement_state=state)
    return qs.annotate(
        state_order=Case(
            *[When(engagement_state=s.value, then=Value(n)) for s, n in STATE_ORDER.items()],
            output_field=IntegerField(),
        ),
        attention=Case(
            When(
                engagement_state__in=[
                    EngagementState.QUIET.value,
                    EngagementState.NEEDS_CHECK_IN.value,
                ],
                then=Value(0),
            ),
            *overdue,
            default=Value(1),
            output_field=IntegerField(),
        ),
    )


def staff_pairs_queryset(
    user: User,
    *,
    state: str = "",
    mine_only: bool = False,
    needs_attention: bool = False,
    today: dt.date | None = None,
    audited: bool = True,
    thresholds: Mapping[int, Thresholds] | None = None,
) -> QuerySet[Match]:
    """Active pairs in the person's services, most in need first, in a stable order
    (attention, state, start, pk) so every page holds different pairs. Reading a page
    is audited as ``contact.pairs`` for the rows fetched."""
    today = today or timezone.localdate()
    service_ids = policy.service_ids(user, "contact.view")
    qs = Match.objects.filter(service_id__in=service_ids, status=MatchStatus.ACTIVE)
    if mine_only:
        qs = qs.filter(Q(mentor__supervisor=user) | Q(patient__allocated_therapist=user))
    qs = with_engagement_state(qs, service_ids, today, thresholds)
    if state:
        qs = qs.filter(engagement_state=state)
    if needs_attention:
        qs = qs.filter(attention=0)
    qs = qs.select_related("patient", "mentor", "service")
    if audited:
        qs = qs.audited(user, "contact.pairs")
    return qs.order_by("attention", "state_order", "started_at", "pk")


def needing_attention_for(
    user: User, *, limit: int = 20, today: dt.date | None = None
) -> tuple[list[StaffPairRow], int]:
    """The first ``limit`` pairs this person looks after that need attention (quiet,
    due a check-in, first contact overdue), with their measures, and how many there are
    in all, so the home panel can say "and N more" instead of stopping silently."""
    # Read once, for both the SQL state and the measures shown beside each pair.
    thresholds = thresholds_for_services(policy.service_ids(user, "contact.view"))
    qs = staff_pairs_queryset(
        user, mine_only=True, needs_attention=True, today=today, thresholds=thresholds
    )
    matches = list(qs[:limit])
    total = len(matches) if len(matches) < limit else qs.count()
    measures = engagement_for_matches(matches, today, thresholds=thresholds)
    return [StaffPairRow(match=m, engagement=measures.get(m.pk)) for m in matches], total


def page_rows_and_mentors(
    user: User, matches: list[Match], *, state: str, mine_only: bool, needs_attention: bool
) -> tuple[list[StaffPairRow], list[tuple[Mentor, MentorEngagement]]]:
    """The pairs page's rows with their full measures, and a summary per mentor on the
    page over all of that mentor's pairs in the same list. The measures are worked out
    only for the mentors on this page; the wider read gives counts only, so it is not
    audited as a view of those patients."""
    theirs = list(
        staff_pairs_queryset(
            user,
            state=state,
            mine_only=mine_only,
            needs_attention=needs_attention,
            audited=False,
        ).filter(mentor_id__in={m.mentor_id for m in matches})
    )
    measures = engagement_for_matches(theirs)
    rows = [StaffPairRow(match=m, engagement=measures.get(m.pk)) for m in matches]
    summary = [StaffPairRow(match=m, engagement=measures.get(m.pk)) for m in theirs]
    return rows, engagement_by_mentor(summary)
