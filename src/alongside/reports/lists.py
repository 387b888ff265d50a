"""CSV and XLSX files of the list pages, with exactly the rows the list's filters select.

Each list is one ``ListKind``: the policy action its page needs, the page's own filter
parser and selector (scoped to the person and audited as a read of the rows fetched),
and how a row becomes cells. The page, its file, a background job and the API all go
through ``ListKind.select``, so a file can never hold more than the page would show.

A list longer than ``settings.ALONGSIDE_EXPORT_BACKGROUND_ROWS`` is made by the task
worker instead (``reports.services.export_job_start``): the page offers a button that
starts the job, and the job page shows its progress and the expiring download.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode

from alongside.accounts import policy
from alongside.reports.exports import FORMATS, table_bytes, table_response, wanted_format

# Query-string keys that are not filters.
NOT_FILTERS = ("format", "page")
# How often a background list export reports its progress.
PROGRESS_EVERY = 500


def background_threshold() -> int:
    return int(getattr(settings, "ALONGSIDE_EXPORT_BACKGROUND_ROWS", 2000))


def _local(value: dt.datetime | None, service: Any) -> dt.datetime | None:
    """A stored time as the service's wall-clock time (files carry no time zone)."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(service.time_zone)).replace(tzinfo=None)


@dataclass(frozen=True)
class ListKind:
    name: str
    title: str
    action: str  # the policy action the list page needs (404 without it)
    url_name: str  # the list page
    headers: list[str]
    select: Callable[[Any, Mapping[str, str]], Any]  # the page's selector, filtered
    rows: Callable[[Any, Any], Iterator[list[Any]]]  # (user, selection) -> cells
    # Query keys that are parts of the page's path (the waiting list's service), so that a
    # background job, which only keeps a query, still knows them.
    path_keys: tuple[str, ...] = ()

    def allowed(self, user: Any) -> bool:
        return policy.can(user, self.action)

    def page_url(self, query: Mapping[str, str]) -> str:
        """The list page showing ``query`` (the link back from a file's job)."""
        from django.urls import reverse

        args = [query.get(key, "") for key in self.path_keys]
        rest = {k: v for k, v in query.items() if k not in self.path_keys}
        return reverse(self.url_name, args=args) + (f"?{urlencode(rest)}" if rest else "")


def filter_query(query: Mapping[str, Any]) -> dict[str, str]:
    """The filters of a query string, as plain strings (what a job stores)."""
    getter = getattr(query, "get", None)
    return {
        _plain(str(key))[:40]: _plain(str(getter(key) if getter else query[key]))[:200]
        for key in list(query)[:20]
        if key not in NOT_FILTERS
    }


def _plain(text: str) -> str:
    """Text any database stores: no NUL, no lone surrogate (PostgreSQL refuses both)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def count_of(selection: Any) -> int:
    return len(selection) if isinstance(selection, list) else selection.count()


def _each(selection: Any) -> Iterable[Any]:
    """Rows one chunk at a time (the audited iterator notes every row fetched)."""
    if isinstance(selection, list):
        return selection
    return selection.iterator(chunk_size=1000)


# --- The lists ----------------------------------------------------------------------


def _caseload_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.patients.forms import caseload_filters
    from alongside.patients.selectors import caseload

    return caseload(user, caseload_filters(query))


def _caseload_rows(user: Any, patients: Any) -> Iterator[list[Any]]:
    from alongside.patients.selectors import overdue_targets_of

    for p in _each(patients):
        yield [
            p.full_name,
            p.hospital_number,
            p.service.name,
            p.get_status_display(),
            p.get_injury_category_display(),
            p.date_of_referral,
            p.accepted_on,
            str(p.allocated_therapist) if p.allocated_therapist else "",
            "; ".join(t.label for t in overdue_targets_of(p)),
            p.decline_reason,
        ]


def _mentors_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.mentors.forms import mentor_filters
    from alongside.mentors.selectors import mentors_for_list

    _, filters = mentor_filters(query)
    return mentors_for_list(user, filters, timezone.localdate())


def _mentors_rows(user: Any, mentors: Any) -> Iterator[list[Any]]:
    for m in _each(mentors):
        checks = m.checks_valid_until
        yield [
            m.full_name,
            m.get_status_display(),
            m.get_injury_category_display(),
            m.capacity_left,
            m.capacity,
            m.supervision_due_on,
            "No expiry" if checks is not None and checks.year == 9999 else checks,
            str(m.supervisor) if m.supervisor else "",
            m.service.name,
        ]


def _matches_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.matches.forms import match_filters
    from alongside.matches.selectors import matches_for_list

    _, filters = match_filters(query)
    return matches_for_list(user, filters)


def _matches_rows(user: Any, matches: Any) -> Iterator[list[Any]]:
    for m in _each(matches):
        yield [
            m.patient.full_name,
            m.mentor.full_name,
            m.get_status_display(),
            None if m.score is None else round(100 * m.score),
            _local(m.proposed_at, m.service),
            m.needs_review,
            m.service.name,
        ]


def _pairs_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.contacts.forms import pair_filters
    from alongside.contacts.pair_states import staff_pairs_queryset

    filters = pair_filters(query)
    return staff_pairs_queryset(
        user,
        state=filters.state,
        mine_only=filters.mine_only,
        needs_attention=filters.needs_attention,
    )


def _pairs_rows(user: Any, pairs: Any) -> Iterator[list[Any]]:
    from alongside.contacts.selectors import engagement_for_matches
    from alongside.core.engagement import STATE_LABELS, EngagementState

    chunk: list[Any] = []

    def flush() -> Iterator[list[Any]]:
        measures = engagement_for_matches(chunk)
        for m in chunk:
            e = measures.get(m.pk)
            yield [
                m.patient.full_name,
                m.mentor.full_name,
                m.service.name,
                str(STATE_LABELS[EngagementState(m.engagement_state)]),
                _local(m.started_at, m.service),
                e.contacts if e else 0,
                e.days_since_last_contact if e else None,
                e.days_to_first_contact if e else None,
            ]

    for match in _each(pairs):
        chunk.append(match)
        if len(chunk) == 500:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def _concerns_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.contacts.forms import concern_status_filter
    from alongside.contacts.selectors import concerns_for_staff

    return concerns_for_staff(user, concern_status_filter(query))


def _concerns_rows(user: Any, concerns: Any) -> Iterator[list[Any]]:
    for c in _each(concerns):
        match = c.contact.match
        yield [
            c.get_kind_display(),
            c.get_status_display(),
            match.patient.full_name,
            match.mentor.full_name,
            _local(c.raised_at, c.service),
            c.debrief_needed,
            c.service.name,
        ]


def _waiting_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.matches.selectors import service_for_matching_or_404, waiting_list_for_pages

    return waiting_list_for_pages(user, service_for_matching_or_404(user, query.get("service", "")))


def _waiting_rows(user: Any, patients: Any) -> Iterator[list[Any]]:
    for p in _each(patients.select_related("service")):
        yield [
            p.full_name,
            p.hospital_number,
            p.get_injury_category_display(),
            p.date_of_referral,
            p.accepted_on,
            p.service.name,
        ]


def _expenses_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.mentors.forms import expense_status_filter
    from alongside.mentors.selectors import expenses_for_staff

    return expenses_for_staff(user, expense_status_filter(query))


def _expenses_rows(user: Any, claims: Any) -> Iterator[list[Any]]:
    from alongside.organisations.templatetags.money import currency_of

    for c in _each(claims):
        service = c.mentor.service
        yield [
            c.pk,
            c.mentor.full_name,
            c.spent_on,
            c.purpose,
            c.amount,
            currency_of(service.country),
            c.get_status_display(),
            str(c.decided_by) if c.decided_by else "",
            _local(c.decided_at, service),
            c.note,
            service.name,
        ]


def _audit_select(user: Any, query: Mapping[str, str]) -> Any:
    from alongside.audit.selectors import audit_action_filter, audit_events_for_list

    return audit_events_for_list(user, audit_action_filter(query))


def _audit_rows(user: Any, events: Any) -> Iterator[list[Any]]:
    from alongside.audit.reads import record_read

    seen: list[int] = []
    try:
        for e in _each(events):
            seen.append(e.pk)
            yield [
                e.created_at.astimezone(dt.UTC).replace(tzinfo=None),
                e.actor_email,
                e.role,
                e.action,
                e.object_type,
                e.object_id,
                ", ".join(str(f) for f in e.fields or []),
            ]
    finally:
        # Audit events are not an audited queryset: the export names the events it read.
        record_read(user, "audit.export", seen, object_type="audit.auditevent")


LISTS: dict[str, ListKind] = {
    kind.name: kind
    for kind in (
        ListKind(
            "caseload",
            "Caseload",
            "patient.view",
            "patients:list",
            [
                "Patient",
                "Hospital number",
                "Service",
                "Status",
                "Injury",
                "Referred",
                "Accepted",
                "Therapist",
                "Overdue targets",
                "Decline reason",
            ],
            _caseload_select,
            _caseload_rows,
        ),
        ListKind(
            "mentors",
            "Mentors",
            "mentor.view",
            "mentors:list",
            [
                "Name",
                "Status",
                "Injury",
                "Places free",
                "Places",
                "Supervision due",
                "Checks valid until",
                "Supervisor",
                "Service",
            ],
            _mentors_select,
            _mentors_rows,
        ),
        ListKind(
            "matches",
            "Matches",
            "match.manage",
            "matches:list",
            [
                "Patient",
                "Mentor",
                "Status",
                "Score (%)",
                "Proposed (service time)",
                "Needs review",
                "Service",
            ],
            _matches_select,
            _matches_rows,
        ),
        ListKind(
            "pairs",
            "Pairs",
            "contact.view",
            "contacts:pairs",
            [
                "Patient",
                "Mentor",
                "Service",
                "Engagement",
                "Started (service time)",
                "Contacts",
                "Days since last contact",
                "Days to first contact",
            ],
            _pairs_select,
            _pairs_rows,
        ),
        ListKind(
            "concerns",
            "Concerns",
            "concern.manage",
            "contacts:concerns",
            [
                "Concern",
                "Status",
                "Patient",
                "Mentor",
                "Raised (service time)",
                "Debrief needed",
                "Service",
            ],
            _concerns_select,
            _concerns_rows,
        ),
        ListKind(
            "waiting",
            "Waiting for a mentor",
            "match.manage",
            "matches:waiting",
            ["Patient", "Hospital number", "Injury", "Referred", "Accepted", "Service"],
            _waiting_select,
            _waiting_rows,
            path_keys=("service",),
        ),
        ListKind(
            "expenses",
            "Mentor expenses",
            "mentor.expense_decide",
            "mentors:expenses",
            [
                "Claim",
                "Mentor",
                "Spent on",
                "Purpose",
                "Amount",
                "Currency",
                "Status",
                "Decided by",
                "Decided (service time)",
                "Note",
                "Service",
            ],
            _expenses_select,
            _expenses_rows,
        ),
        ListKind(
            "audit",
            "Audit log",
            "audit.view",
            "audit:list",
            ["When (UTC)", "Who", "Role", "Action", "Record type", "Record id", "Fields"],
            _audit_select,
            _audit_rows,
        ),
    )
}


def list_kind_for(user: Any, name: str) -> ListKind:
    """The list called ``name`` if the person may open its page (404 otherwise)."""
    from django.http import Http404

    kind = LISTS.get(name)
    if kind is None or not kind.allowed(user):
        raise Http404("Not found")
    return kind


def file_name(kind: ListKind, fmt: str) -> str:
    return f"{kind.name}-{timezone.localdate():%Y%m%d}.{fmt}"


def list_bytes(
    kind: ListKind,
    user: Any,
    query: Mapping[str, str],
    fmt: str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """The file of the list as ``user`` would see it with these filters (a job's work)."""
    selection = kind.select(user, query)
    total = count_of(selection)
    if progress:
        progress(0, total)

    def counted() -> Iterator[list[Any]]:
        for done, row in enumerate(kind.rows(user, selection), start=1):
            if progress and done % PROGRESS_EVERY == 0:
                progress(done, total)
            yield row

    content = table_bytes(fmt, kind.headers, counted(), title=kind.title)
    if progress:
        progress(total, total)
    return content


def list_file(
    request: HttpRequest, name: str, fmt: str, *, path: Mapping[str, str] | None = None
) -> HttpResponse:
    """The list page's file: made now when short, else a page offering a background job.
    ``path`` holds the values of the kind's ``path_keys`` taken from the page's URL."""
    kind = list_kind_for(request.user, name)
    query = {**filter_query(request.GET), **(path or {})}
    selection = kind.select(request.user, query)
    count = count_of(selection)
    if count > background_threshold():
        return render(
            request,
            "reports/list_export_large.html",
            {
                "kind": kind,
                "count": count,
                "format": fmt,
                "query_string": urlencode(query),
                "back": kind.page_url(query),
                "threshold": background_threshold(),
            },
        )
    return table_response(
        file_name(kind, fmt).rsplit(".", 1)[0],
        kind.headers,
        kind.rows(request.user, selection),
        fmt,
        title=kind.title,
    )


def require_or_file(
    request: HttpRequest, name: str, *, path: Mapping[str, str] | None = None
) -> HttpResponse | None:
    """The first step of a list page: 404 for whoever the list's policy action refuses (so
    the page and its file ask the same, stated once in ``LISTS``); then the list as a file
    when one was asked for (``?format=csv|xlsx``), of what the page's filters show, made
    now when short, else a background job. None: show the page."""
    list_kind_for(request.user, name)
    fmt = wanted_format(request)
    return list_file(request, name, fmt, path=path) if fmt else None


__all__ = [
    "FORMATS",
    "LISTS",
    "ListKind",
    "require_or_file",
    "list_bytes",
    "list_file",
    "list_kind_for",
]
