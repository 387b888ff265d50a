"""A mentor's profile: checking and storing what an applicant tells us."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from alongside.accounts import policy
from alongside.accounts.models import Role, User
from alongside.accounts.services import membership_grant
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.core import mentor_programme as rules
from alongside.core import person_details, text_limits
from alongside.core.codes import (
    amputation_site,
    classification,
    injury_category_for_icd10,
    validate_asia_grade,
    validate_icd10,
    validate_sci_level,
    validate_tbi_severity,
)
from alongside.core.injury_details import MENTOR_INJURY_FIELDS
from alongside.mentors.models import (
    Mentor,
    MentorProfileChange,
    MentorStatus,
)
from alongside.mentors.services.compliance import _compliance_refresh, _locked, _today
from alongside.organisations.models import Service

# --- Mentor profile ----------------------------------------------------------------

PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    *MENTOR_INJURY_FIELDS,
    "date_of_injury",
    "occupation_code",
    "industry",
    "employment_type",
    "job_demands",
    "returned_to_work_on",
    "rtw_story",
    "rtw_occupation_code",
    "rtw_employer",
    "rtw_adjustments",
    "topics_to_avoid",
    "birth_year",
    "gender",
    "languages",
    "postcode",
    "region",
    "latitude",
    "longitude",
    "travel_radius_km",
    "contact_modes",
    "availability",
    "capacity",
    "willing_categories",
    "supervisor",
    "supervision_every_weeks",
)


def validate_profile(
    *, service: Service, values: dict[str, Any], today: dt.date | None = None
) -> dict[str, Any]:
    """Check and normalise profile values; raise ValidationError keyed by field name.

    Used by the forms *and* by the services, so a script or the API gets the
    same refusals as the pages.
    """
    today = today or _today()
    clean = dict(values)
    errors: dict[str, str] = {}

    def attempt(name: str, fn: Callable[[Any], Any]) -> None:
        if name not in clean:
            return
        try:
            clean[name] = fn(clean[name])
        except ValueError as exc:
            errors[name] = str(exc)

    attempt("first_name", person_details.person_name)
    attempt("last_name", person_details.person_name)
    # Phone numbers (stored in E.164) and postcodes follow the service's country.
    attempt("phone", lambda v: person_details.phone_e164(v or "", service.country))
    attempt("postcode", lambda v: person_details.postcode(v or "", service.country))
    attempt("capacity", rules.validate_capacity)
    attempt("date_of_injury", lambda d: rules.validate_date_of_injury(d, today))
    attempt(
        "returned_to_work_on",
        lambda d: rules.validate_returned_to_work_on(d, clean.get("date_of_injury"), today),
    )
    edition = service.icd10_modification
    attempt("icd10_codes", lambda codes: [validate_icd10(c, edition) for c in codes or []])
    attempt("sci_level", lambda v: validate_sci_level(v) if v else "")
    attempt("asia_grade", lambda v: validate_asia_grade(v) if v else "")
    attempt("tbi_severity", lambda v: validate_tbi_severity(v) if v else "")
    attempt("amputation_site", lambda v: amputation_site(v).id if v else "")
    scheme = classification(service.occupation_classification)
    attempt("occupation_code", lambda v: scheme.validate(v) if v else "")
    attempt("rtw_occupation_code", lambda v: scheme.validate(v) if v else "")
    attempt("topics_to_avoid", _topics_to_avoid)
    attempt(
        "contact_modes",
        lambda v: rules.validate_choices(v or [], rules.CONTACT_MODES, "contact mode"),
    )
    attempt(
        "availability",
        lambda v: rules.validate_choices(v or [], rules.AVAILABILITY_SLOTS, "availability slot"),
    )
    attempt(
        "willing_categories",
        lambda v: rules.validate_choices(v or [], rules.INJURY_CATEGORIES, "injury category"),
    )
    attempt(
        "injury_category",
        lambda v: rules.validate_choices([v], rules.INJURY_CATEGORIES, "injury category")[0],
    )
    if "birth_year" in clean and clean["birth_year"] is not None:
        year = clean["birth_year"]
        if not 1900 <= year <= today.year - 16:
            errors["birth_year"] = "Birth year must be a real year at least 16 years ago."
    if not errors and clean.get("icd10_codes") and clean.get("injury_category"):
        other = [
            c
            for c in clean["icd10_codes"]
            if injury_category_for_icd10(c, edition) != clean["injury_category"]
        ]
        if other:
            errors["icd10_codes"] = (
                f"{', '.join(other)} is not a code for the chosen injury category."
            )
    if clean.get("supervisor") is not None and not policy.can(
        clean["supervisor"], "mentor.manage", service
    ):
        errors["supervisor"] = "The supervisor must be a therapist or manager of this service."
    if errors:
        raise ValidationError(errors)
    return clean


def _topics_to_avoid(values: Iterable[str] | None) -> list[str]:
    topics = list(dict.fromkeys(t.strip() for t in values or [] if t and t.strip()))
    if len(topics) > 12 or any(len(t) > 80 for t in topics):
        raise ValueError("List at most 12 topics, each under 80 characters.")
    return topics


def mentor_create(
    *, actor: User, service: Service, values: dict[str, Any], today: dt.date | None = None
) -> Mentor:
    """A new applicant at *enquiry*."""
    policy.require(actor, "mentor.manage", service)
    clean = validate_profile(service=service, values=values, today=today)
    unknown = set(clean) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    with transaction.atomic():
        mentor = Mentor.objects.create(service=service, status=MentorStatus.ENQUIRY, **clean)
        audit_record(actor=actor, action="mentor.create", target=mentor, fields=sorted(clean))
    return mentor


def mentor_update(
    *, actor: User, mentor: Mentor, values: dict[str, Any], today: dt.date | None = None
) -> Mentor:
    policy.require(actor, "mentor.manage", mentor)
    clean = validate_profile(service=mentor.service, values=values, today=today)
    unknown = set(clean) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be set here." for name in unknown})
    with transaction.atomic():
        locked = _locked(mentor)
        changed = apply_changes(locked, clean)
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            if "supervision_every_weeks" in changed:
                _compliance_refresh(locked)
            audit_record(actor=actor, action="mentor.update", target=locked, fields=changed)
    return locked


def mentor_update_own(*, actor: User, mentor: Mentor, values: dict[str, Any]) -> Mentor:
    """The mentor keeps their own profile current (``rules.OWN_PROFILE_FIELDS`` only).

    Only the mentor themself (404 for anyone else, staff included: the supervisor uses
    the staff form). What changed is kept, in plain words, as a ``MentorProfileChange``
    for the supervisor's page, and audited as ``mentor.update_own``.
    """
    from alongside.core import NotFound

    if not policy.is_own(actor, mentor.user_id, "mentor.edit_own", mentor):
        raise NotFound
    unknown = set(values) - set(rules.OWN_PROFILE_FIELDS)
    if unknown:
        raise ValidationError({name: "You cannot change this here." for name in sorted(unknown)})
    clean = validate_profile(service=mentor.service, values=values)
    errors: dict[str, str] = {}
    if "travel_radius_km" in clean:
        try:
            clean["travel_radius_km"] = rules.validate_travel_radius(clean["travel_radius_km"])
        except ValueError as error:
            errors["travel_radius_km"] = str(error)
    if "rtw_story" in clean:
        clean["rtw_story"] = (clean["rtw_story"] or "").strip()
        if len(clean["rtw_story"]) > text_limits.NARRATIVE:
            errors["rtw_story"] = f"Keep your story to {text_limits.NARRATIVE:,} characters."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = _locked(mentor)
        before = {name: getattr(locked, name) for name in rules.OWN_PROFILE_FIELDS}
        changes = rules.own_profile_changes(before, clean)
        if not changes:
            return locked
        changed = [change.field for change in changes]
        for name in changed:
            setattr(locked, name, clean[name])
        locked.save(update_fields=[*changed, "updated_at"])
        MentorProfileChange.objects.create(
            mentor=locked,
            changed_by=actor,
            changes=[asdict(change) for change in changes],
            matters_for_matching=any(change.matters_for_matching for change in changes),
        )
        audit_record(
            actor=actor,
            action="mentor.update_own",
            target=locked,
            service_id=locked.service_id,
            fields=changed,
        )
    return locked


def mentor_link_user(*, actor: User, mentor: Mentor, user: User | None) -> Mentor:
    """Link (or unlink) the mentor's sign-in. An active mentor's user gets the mentor role."""
    policy.require(actor, "mentor.manage", mentor)
    with transaction.atomic():
        locked = _locked(mentor)
        locked.user = user
        locked.save(update_fields=["user", "updated_at"])
        if user is not None and locked.status in (MentorStatus.ACTIVE, MentorStatus.PAUSED):
            membership_grant(user=user, service=locked.service, role=Role.MENTOR, actor=actor)
        audit_record(actor=actor, action="mentor.update", target=locked, fields=["user"])
    return locked
