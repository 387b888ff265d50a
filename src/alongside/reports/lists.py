"""CSV and XLSX files of the list pages, with exactly the rows the list's filters select.

Each list page calls one function here with the queryset its own selector returned
(scoped and audited), so a file can never hold more than the page would show.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from alongside.reports.exports import table_response

CASELOAD_HEADERS = [
    "Patient", "Hospital number", "Service", "Status", "Injury", "Referred", "Accepted",
    "Therapist", "Overdue targets", "Decline reason",
]  # fmt: skip


def caseload_file(patients: Any, fmt: str) -> HttpResponse:
    from alongside.patients.selectors import overdue_targets_of

    rows = (
        [
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
        ]  # fmt: skip
        for p in patients
    )
    return table_response("caseload", CASELOAD_HEADERS, rows, fmt, title="Caseload")
