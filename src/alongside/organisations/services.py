from __future__ import annotations

from typing import Any

from django.db import transaction

from alongside.accounts import policy
from alongside.accounts.policy import SYSTEM, Actor
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.core import FieldProblem
from alongside.organisations.models import Service


def service_update(*, actor: Any, service: Service, changes: dict[str, Any]) -> Service:
    policy.require(actor, "service.configure", service)
    with transaction.atomic():
        changed = apply_changes(service, changes)
        if not changed:
            return service
        service.full_clean()
        service.save(update_fields=changed)
        audit_record(actor=actor, action="service.update", target=service, fields=changed)
    return service


def service_create(
    *,
    actor: Actor,
    name: str,
    slug: str,
    time_zone: str,
    country: str,
    subdivision: str = "",
    classification: str,
    manager_email: str,
    manager_name: str = "",
    icd10_modification: str = "",
    eligibility_preset: str = "",
) -> Service:
    """Create a real service with default settings and invite its first manager.

    ``actor`` is a superuser (the page) or None (``alongside manage create_service``,
    run by the operator). Defaults: the selection criteria and training modules
    of ``core.service_defaults``, the eligibility preset of the country's trial,
    the model's targets. The manager gets a one-time link to choose a password
    (an existing account is given the role and told by e-mail).
    """
    import zoneinfo

    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email, validate_slug

    from alongside.accounts.models import Role, User
    from alongside.accounts.services import membership_grant, password_link_send, user_create
    from alongside.core import mentor_programme, service_defaults, targets
    from alongside.core.codes import CLASSIFICATIONS
    from alongside.core.eligibility import PRESETS
    from alongside.mentors.models import SelectionCriterion, TrainingModule
    from alongside.organisations.models import Icd10Modification
    from alongside.patients.services import eligibility_rules_apply_preset

    if actor is not SYSTEM and not (actor.is_active and actor.is_superuser):
        from alongside.core import NotFound

        raise NotFound
    errors: dict[str, str] = {}
    name = " ".join(name.split())
    slug = slug.strip().lower()
    manager_email = manager_email.strip().lower()
    country = country.strip().upper()
    if not name:
        errors["name"] = "Enter the service's name."
    try:
        validate_slug(slug)
        if not slug or len(slug) > 60:
            raise ValidationError("")
    except ValidationError:
        errors["slug"] = (
            "Use letters, numbers and hyphens for the slug (up to 60), such as leeds-eivr."
        )
    if "slug" not in errors and Service.objects.filter(slug=slug).exists():
        errors["slug"] = f"A service with the slug {slug} already exists."
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = f"{time_zone!r} is not a time zone name such as Europe/London."
    try:
        country, subdivision = targets.validate_holiday_calendar(country, subdivision)
    except FieldProblem as problem:
        errors[problem.field] = problem.message
    if len(country) != 2 or not country.isalpha():
        errors["country"] = "Use the two-letter country code, such as AU or GB."
    if classification not in CLASSIFICATIONS:
        errors["classification"] = (
            f"{classification!r} is not an occupation classification: "
            f"use one of {', '.join(CLASSIFICATIONS)}."
        )
    modification = icd10_modification or (
        Icd10Modification.AM if country == "AU" else Icd10Modification.WHO
    )
    if modification not in Icd10Modification.values:
        errors["icd10_modification"] = "Use who or am for the ICD-10 edition."
    preset_id = eligibility_preset or service_defaults.eligibility_preset_for(country)
    if preset_id not in PRESETS:
        errors["eligibility_preset"] = (
            f"Use one of {', '.join(PRESETS)} for the eligibility preset."
        )
    try:
        validate_email(manager_email)
    except ValidationError:
        errors["manager_email"] = f"{manager_email!r} is not an e-mail address."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        service = Service.objects.create(
            name=name,
            slug=slug,
            time_zone=time_zone,
            country=country,
            subdivision=subdivision,
            occupation_classification=classification,
            icd10_modification=modification,
        )
        for order, (title, kind, months, required) in enumerate(mentor_programme.DEFAULT_CRITERIA):
            SelectionCriterion.objects.create(
                service=service,
                name=title,
                kind=kind,
                min_months=months,
                required=required,
                order=order,
            )
        for order, (title, months, required) in enumerate(
            service_defaults.DEFAULT_TRAINING_MODULES
        ):
            TrainingModule.objects.create(
                service=service,
                title=title,
                recertify_months=months,
                required=required,
                order=order,
            )
        eligibility_rules_apply_preset(actor=SYSTEM, service=service, preset_id=preset_id)
        manager = User.objects.filter(email__iexact=manager_email).first()
        created = manager is None
        if manager is None:
            manager = user_create(
                email=manager_email, password=None, full_name=manager_name, actor=actor
            )
        membership_grant(user=manager, service=service, role=Role.ADMIN, actor=actor)
        audit_record(
            actor=actor,
            action="service.create",
            target=service,
            fields=["name", "slug", "time_zone", "country", "subdivision", "manager"],
        )
        intro = f"You are the first manager of {service.name} on Alongside."
        if created:
            password_link_send(
                user=manager,
                base_url=settings.ALONGSIDE_SITE_URL,
                subject=f"You have been made manager of {service.name} on Alongside",
                intro=intro,
            )
        else:
            # An existing account: told like any other message (in the app, and by
            # e-mail as their preferences say), with a link to the new service's home.
            from alongside.notifications.services import notify

            notify(
                recipient=manager,
                kind="service_manager",
                event_key=f"service:{service.pk}",
                subject=f"You have been made manager of {service.name} on Alongside",
                body=f"{intro}\n\nSign in with your usual account.",
                link="/",
                service=service,
            )
    return service


MAX_CLOSURE_RUN_DAYS = 60


def closure_days_add(
    *, actor: Any, service: Service, first_day: Any, last_day: Any = None, reason: str = ""
) -> list[Any]:
    """Close the service from ``first_day`` to ``last_day`` (one day when None).

    All or nothing: a day already closed, or a run longer than 60 days, refuses the
    whole request with a message naming the day."""
    import datetime as dt

    from django.core.exceptions import ValidationError

    from alongside.organisations.models import ClosureDay

    policy.require(actor, "service.configure", service)
    last_day = last_day or first_day
    reason = " ".join(reason.split())
    if last_day < first_day:
        raise ValidationError(
            {"last_day": f"The last closed day must be on or after {first_day:%d %B %Y}."}
        )
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    if len(days) > MAX_CLOSURE_RUN_DAYS:
        raise ValidationError({"last_day": f"Close at most {MAX_CLOSURE_RUN_DAYS} days at a time."})
    if len(reason) > 100:
        raise ValidationError({"reason": "Keep the reason to 100 characters or fewer."})
    with transaction.atomic():
        Service.objects.select_for_update().filter(pk=service.pk).get()
        taken = set(
            ClosureDay.objects.filter(service=service, on__in=days).values_list("on", flat=True)
        )
        if taken:
            named = ", ".join(f"{day:%d %B %Y}" for day in sorted(taken))
            field = "first_day" if first_day in taken else "last_day"
            raise ValidationError({field: f"Already a closure day: {named}."})
        ClosureDay.objects.bulk_create(
            [ClosureDay(service=service, on=day, reason=reason) for day in days]
        )
        audit_record(
            actor=actor,
            action="service.closure_add",
            target=service,
            fields=[f"closure_days.{day.isoformat()}" for day in days],
        )
    return days


def closure_day_remove(*, actor: Any, service: Service, closure_id: int) -> None:
    from alongside.core import NotFound
    from alongside.organisations.models import ClosureDay

    policy.require(actor, "service.configure", service)
    with transaction.atomic():
        closure = (
            ClosureDay.objects.select_for_update().filter(service=service, pk=closure_id).first()
        )
        if closure is None:
            raise NotFound
        closure.delete()
        audit_record(
            actor=actor,
            action="service.closure_remove",
            target=service,
            fields=[f"closure_days.{closure.on.isoformat()}"],
        )
