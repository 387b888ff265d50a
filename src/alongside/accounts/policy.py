"""Who may do what, in one place.

Every view, API endpoint and selector asks this module; none re-implements it.
Access is by role *within a service*: a user holds memberships (service, role)
and an action is allowed in the services where one of their roles allows it.
Anything a user may not see is answered with 404 (``get_visible_or_404``), so
the existence of other services' records is never revealed.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from django.core.exceptions import ValidationError
from django.http import Http404

from alongside.accounts.models import STAFF_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from alongside.accounts.models import User


class SystemActor(Enum):
    """The installation itself acting: an operator's command (`alongside import`,
    `match_batch`), the task worker, the demo loader. Services skip the policy for it and
    audit it as "system"; people always pass themselves. One member, ``SYSTEM``, so every
    place that skips the policy names it, ``grep SYSTEM`` finds them all, and the type
    checker narrows ``actor is SYSTEM`` (an enum, so it is a literal type)."""

    SYSTEM = "system"

    @property
    def is_authenticated(self) -> bool:
        return False

    @property
    def pk(self) -> None:
        return None


SYSTEM: Final = SystemActor.SYSTEM
# Who a service acts for: a signed-in person, or the system.
Actor: TypeAlias = "User | SystemActor"


def person(actor: Actor) -> User | None:
    """The user behind ``actor``, for a "recorded by" column: None for the system."""
    return None if actor is SYSTEM else actor


ADMIN, THERAPIST, MENTOR, PATIENT, ANALYST = (
    Role.ADMIN.value,
    Role.THERAPIST.value,
    Role.MENTOR.value,
    Role.PATIENT.value,
    Role.ANALYST.value,
)
EVERYONE = frozenset({ADMIN, THERAPIST, MENTOR, PATIENT, ANALYST})
CLINICAL_TEAM = frozenset({ADMIN, THERAPIST})

# action -> roles that may perform it within a service.
# Actions on a person's *own* record (a mentor's own profile, a patient's own
# consents) are decided by the owning app's selector, which combines these
# service-wide grants with "the record is mine".
RULES: dict[str, frozenset[str]] = {
    "service.view": EVERYONE,
    "service.configure": frozenset({ADMIN}),
    "membership.manage": frozenset({ADMIN}),
    "audit.view": frozenset({ADMIN}),
    # Subject access, retention and erasure, access review (the privacy app).
    "privacy.manage": frozenset({ADMIN}),
    "mentor.view": CLINICAL_TEAM,
    "mentor.manage": CLINICAL_TEAM,
    "mentor.configure": frozenset({ADMIN}),
    "mentor.view_own": frozenset({MENTOR}),  # a mentor's own record, check-ins and expenses
    "mentor.edit_own": frozenset({MENTOR}),  # availability, ways to meet, radius, story, topics
    "mentor.wellbeing_view": frozenset({ADMIN}),  # plus the mentor's own supervisor (selector)
    "mentor.expense_decide": CLINICAL_TEAM,
    "mentor.expense_export": frozenset({ADMIN}),
    "patient.view": CLINICAL_TEAM,
    "patient.manage": CLINICAL_TEAM,
    "patient.configure": frozenset({ADMIN}),
    # Accept a referral the eligibility rules refuse (where the service allows override).
    "patient.accept_anyway": frozenset({THERAPIST}),
    # A patient reads and acts on their own record only (patients.selectors adds "mine").
    "patient.own": frozenset({PATIENT}),
    "match.manage": CLINICAL_TEAM,
    "matching.configure": frozenset({ADMIN}),
    # Contacts: the clinical team reads and logs for any pair in the service; a mentor
    # only for their own matches (contacts.selectors adds "mine"). Patients: never.
    "contact.view": CLINICAL_TEAM,
    "contact.log": CLINICAL_TEAM,
    "contact.own": frozenset({MENTOR}),
    "contact.configure": frozenset({ADMIN}),
    "concern.manage": CLINICAL_TEAM,
    "survey.respond": frozenset({MENTOR, PATIENT}),  # own ended matches only (selector)
    # Questionnaires: the clinical team reads scores and answers, sends links and enters
    # answers for a patient; a patient answers their own. Mentors: never.
    "outcome.view": CLINICAL_TEAM,
    "outcome.enter": CLINICAL_TEAM,
    "outcome.configure": frozenset({ADMIN}),
    "outcome.own": frozenset({PATIENT}),
    "report.view": frozenset({ADMIN, THERAPIST, ANALYST}),
    "research.view": frozenset({ADMIN, ANALYST}),
    # The roll-up of the dashboard figures across every service a person manages.
    "report.rollup": frozenset({ADMIN}),
    # Service evaluation: analysts only, and then only for the studies whose team they are
    # on (evaluation.selectors adds the team and its roles: lead, coder, reader).
    "evaluation.view": frozenset({ANALYST}),
    "evaluation.code": frozenset({ANALYST}),
    "evaluation.lead": frozenset({ANALYST}),
}


def _memberships(user: User | AnonymousUser) -> list[tuple[int, str]]:
    if not user.is_authenticated or not user.is_active:
        return []
    cached: list[tuple[int, str]] | None = getattr(user, "_alongside_memberships", None)
    if cached is None:
        cached = list(user.memberships.values_list("service_id", "role"))
        # A per-request cache on the user instance, which its class does not declare.
        user._alongside_memberships = cached  # type: ignore[attr-defined]
    return cached


def forget(user: Any) -> None:
    """Drop the per-request membership cache after memberships change."""
    if hasattr(user, "_alongside_memberships"):
        del user._alongside_memberships


def roles(user: User | AnonymousUser, service_id: int | None = None) -> set[str]:
    return {role for sid, role in _memberships(user) if service_id is None or sid == service_id}


def has_role(user: User | AnonymousUser, *wanted: str) -> bool:
    return bool(roles(user) & set(wanted))


def needs_second_factor(user: User | AnonymousUser) -> bool:
    return bool(roles(user) & STAFF_ROLES)


def may_enrol_second_factor(
    *, has_confirmed_device: bool, session_verified: bool, password_rechecked: bool
) -> bool:
    """Enrolling a device proves the second factor from then on, so it needs proof now.

    Beside a confirmed device only a session verified with that device may
    enrol (or else the password alone would mint a new second factor); a first
    device needs the password typed again, so a borrowed session cannot.
    """
    if has_confirmed_device:
        return session_verified
    return session_verified or password_rechecked


def service_ids(user: User | AnonymousUser, action: str) -> list[int]:
    allowed = RULES[action]
    return sorted({sid for sid, role in _memberships(user) if role in allowed})


def can(user: User | AnonymousUser, action: str, target: Any = None) -> bool:
    """May ``user`` do ``action``: in any service (target None) or on ``target``.

    ``target`` is a Service, or any record with a ``service_id``.
    """
    ids = service_ids(user, action)
    if target is None:
        return bool(ids)
    service_id = target.pk if target.__class__.__name__ == "Service" else target.service_id
    return service_id in ids


def require(user: User | AnonymousUser, action: str, target: Any = None) -> None:
    """Raise 404 (never 403) when the action is not allowed."""
    if not can(user, action, target):
        raise Http404("Not found")


def role_list(user: User | AnonymousUser) -> list[str]:
    """The user's roles, most powerful first, for navigation and audit."""
    order = [ADMIN, THERAPIST, ANALYST, MENTOR, PATIENT]
    held = roles(user)
    return [role for role in order if role in held]


def allowed_roles(action: str) -> Iterable[str]:
    return RULES[action]


# --- A person's own records -----------------------------------------------------------
# "This is my own record", "acting for this patient/mentor" and "not on your own
# record" are answered here, the same way everywhere: what a person may not see is a
# 404 (``require_*``); what they may see but not do is a validation message (``refuse_*``).


def is_own(user: User | AnonymousUser, owner_id: int | None, action: str, target: Any) -> bool:
    """The record (owned by the user ``owner_id``) is the signed-in person's own, and their
    role in its service allows ``action`` on it (a mentor's ``mentor.view_own``...)."""
    return (
        owner_id is not None
        and bool(user.is_authenticated)
        and owner_id == user.pk
        and can(user, action, target)
    )


def is_own_mentor_record(user: User | AnonymousUser, mentor: Any) -> bool:
    return is_own(user, mentor.user_id, "mentor.view_own", mentor)


def is_own_patient_record(user: User | AnonymousUser, patient: Any, target: Any = None) -> bool:
    return is_own(user, patient.user_id, "patient.own", target or patient)


def is_mentor_of(user: User | AnonymousUser, match: Any, target: Any = None) -> bool:
    """The signed-in person is the mentor of ``match`` (contacts, surveys of their pair)."""
    return is_own(user, match.mentor.user_id, "contact.own", target or match)


def require_own_mentor_record(user: User | AnonymousUser, mentor: Any) -> None:
    """404 unless ``mentor`` is the person's own (their check-ins, their expense claims)."""
    if not is_own_mentor_record(user, mentor):
        raise Http404("Not found")


def require_own_or(user: User | AnonymousUser, own: bool, action: str, target: Any) -> None:
    """404 unless the record is the person's own or ``action`` is allowed on it."""
    if not own:
        require(user, action, target)


def acting_as(
    user: User | AnonymousUser, own: bool, own_as: str, staff_action: str, target: Any
) -> str:
    """Who is answering: ``own_as`` ("patient", "mentor") for the person themself, or
    "therapist" when staff allowed ``staff_action`` record it for them (404 otherwise)."""
    if own:
        return own_as
    require(user, staff_action, target)
    return "therapist"


def is_about_oneself(user: User | AnonymousUser, mentor: Any) -> bool:
    """Staff who also mentor never act as staff on their own mentor record."""
    return mentor.user_id is not None and mentor.user_id == user.pk


def require_not_oneself(user: User | AnonymousUser, mentor: Any) -> None:
    """404 for what a mentor may not see as staff of their own record (their own
    well-being alert, their own debrief to book)."""
    if is_about_oneself(user, mentor):
        raise Http404("Not found")


def refuse_oneself(user: User | AnonymousUser, mentor: Any, field: str, message: str) -> None:
    """A validation message for what the person may see but not do to their own record."""
    if is_about_oneself(user, mentor):
        raise ValidationError({field: message})


# --- A mentor's private writing -------------------------------------------------------
# Well-being check-ins and contact reflections are for the mentor and whoever supervises
# them; the querysets (``WellbeingQuerySet.visible_to``) state the same rule in SQL.


def may_see_wellbeing(user: User | AnonymousUser, mentor: Any) -> bool:
    """The mentor, their supervisor and the service's well-being lead (admin)."""
    return (
        can(user, "mentor.wellbeing_view", mentor)
        or (mentor.supervisor_id == user.pk and can(user, "mentor.view", mentor))
        or (mentor.user_id == user.pk and can(user, "mentor.view_own", mentor))
    )


def may_see_reflection(user: User | AnonymousUser, match: Any) -> bool:
    """A contact's reflection: the pair's mentor and their supervisor, never the patient."""
    return match.mentor.user_id == user.pk or (
        match.mentor.supervisor_id == user.pk and can(user, "contact.view", match)
    )
