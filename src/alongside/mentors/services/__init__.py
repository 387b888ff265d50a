"""Writes of the mentor programme. Every function checks policy, runs in one
transaction, and leaves an audit event naming the fields it changed.

The programme's rules live in ``alongside.core.mentor_programme``; the reads that
turn rows into the dataclasses those rules take are in ``mentors.selectors``. The
writes are split by sub-domain; this package keeps every name importable from
``alongside.mentors.services`` as before:

- ``profile``: checking and storing a mentor's profile;
- ``pipeline``: enquiry → active → paused / retired / declined;
- ``programme``: selection criteria, checks, training, supervision;
- ``wellbeing``: debrief requests and well-being check-ins;
- ``expenses``: expense claims and receipts;
- ``compliance``: the stored compliance dates and well-being hold.
"""

from alongside.mentors.selectors import (
    activation_problems,
    check_facts,
    criteria_statuses,
    distress_signals,
    mentor_state,
    renewal_months,
    training_completions,
    training_modules,
    training_statuses,
)
from alongside.mentors.services.compliance import bulk_compliance_refresh, wellbeing_hold_refresh
from alongside.mentors.services.expenses import (
    MAX_RECEIPT_BYTES,
    RECEIPT_SIGNATURES,
    expense_claim_submit,
    expense_decide,
    receipt_content_type,
)
from alongside.mentors.services.pipeline import (
    ON_PAUSE,
    mentor_activate,
    mentor_advance,
    mentor_decline,
    mentor_pause,
    mentor_resume,
    mentor_retire,
)
from alongside.mentors.services.profile import (
    PROFILE_FIELDS,
    mentor_create,
    mentor_link_user,
    mentor_update,
    mentor_update_own,
    validate_profile,
)
from alongside.mentors.services.programme import (
    check_add,
    check_renewal_periods_save,
    criterion_result_record,
    selection_criterion_save,
    supervision_log,
    training_completion_record,
    training_module_save,
)
from alongside.mentors.services.wellbeing import (
    checkin_acknowledge,
    checkin_submit,
    debrief_request_book,
    debrief_request_book_for_source,
    debrief_request_open,
)

__all__ = [
    "mentor_update_own",
    "MAX_RECEIPT_BYTES",
    "ON_PAUSE",
    "PROFILE_FIELDS",
    "RECEIPT_SIGNATURES",
    "activation_problems",
    "bulk_compliance_refresh",
    "check_add",
    "check_facts",
    "checkin_acknowledge",
    "checkin_submit",
    "criteria_statuses",
    "criterion_result_record",
    "debrief_request_book",
    "debrief_request_book_for_source",
    "debrief_request_open",
    "distress_signals",
    "expense_claim_submit",
    "expense_decide",
    "mentor_activate",
    "mentor_advance",
    "mentor_create",
    "mentor_decline",
    "mentor_link_user",
    "mentor_pause",
    "mentor_resume",
    "mentor_retire",
    "mentor_state",
    "mentor_update",
    "receipt_content_type",
    "renewal_months",
    "selection_criterion_save",
    "supervision_log",
    "training_completion_record",
    "training_completions",
    "training_module_save",
    "check_renewal_periods_save",
    "training_modules",
    "training_statuses",
    "validate_profile",
    "wellbeing_hold_refresh",
]
