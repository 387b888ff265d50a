"""A real installation: create a service and invite its first manager, by command or page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from alongside.accounts.models import Membership, User
from alongside.audit.models import AuditEvent
from alongside.core.mentor_programme import CODE_OF_CONDUCT
from alongside.mentors.models import SelectionCriterion, TrainingModule
from alongside.organisations.models import Service
from alongside.patients.models import EligibilityRules
from tests.personas import sign_in

pytestmark = pytest.mark.django_db

ARGS = [
    "--name",
    "Leeds Major Trauma EIVR Service",
    "--slug",
    "leeds",
    "--time-zone",
    "Europe/London",
    "--country",
    "gb",
    "--subdivision",
    "eng",
    "--classification",
    "soc2020",
    "--manager",
    "Manager@Leeds.Example",
]


def test_create_service_sets_defaults_and_invites_the_manager(
    settings, django_capture_on_commit_callbacks
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_service", *ARGS)
    service = Service.objects.get(slug="leeds")
    assert (service.country, service.subdivision, service.time_zone) == (
        "GB",
        "ENG",
        "Europe/London",
    )
    assert service.occupation_classification == "soc2020" and service.icd10_modification == "who"
    assert (service.first_therapist_contact_days, service.mentor_introduced_days) == (5, 21)
    criteria = SelectionCriterion.objects.filter(service=service)
    assert CODE_OF_CONDUCT in {c.name for c in criteria} and criteria.count() >= 5
    assert TrainingModule.objects.filter(service=service, required=True).count() >= 3
    rules = EligibilityRules.objects.get(service=service)  # ROWTATE, the English trial
    assert (rules.min_age, rules.max_age, rules.min_iss, rules.weeks_counted_from) == (
        16,
        69,
        9,
        "admission",
    )
    manager = User.objects.get(email="manager@leeds.example")
    assert not manager.has_usable_password()
    assert Membership.objects.filter(user=manager, service=service, role="admin").exists()
    [invitation] = mail.outbox
    assert invitation.to == ["manager@leeds.example"] and "/accounts/" in invitation.body
    assert AuditEvent.objects.filter(action="service.create", object_id=str(service.pk)).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--subdivision", "xyz"), "--subdivision: XYZ is not a subdivision of GB"),
        (("--country", "zz"), "--country: ZZ is not a country"),
        (("--time-zone", "Mars/Olympus"), "--time-zone: 'Mars/Olympus' is not a time zone"),
        (("--slug", "Not a slug!"), "--slug: Use letters, numbers and hyphens"),
        (("--manager", "nobody"), "--manager: 'nobody' is not an e-mail address"),
    ],
)
def test_bad_arguments_are_one_line_and_nothing_is_written(change, message) -> None:
    args = list(ARGS)
    args[args.index(change[0]) + 1] = change[1]
    with pytest.raises(CommandError, match=message):
        call_command("create_service", *args)
    assert not Service.objects.filter(slug="leeds").exists()
    assert not User.objects.filter(email="manager@leeds.example").exists()


def test_a_slug_in_use_is_refused() -> None:
    call_command("create_service", *ARGS)
    with pytest.raises(CommandError, match="--slug: A service with the slug leeds already exists"):
        call_command("create_service", *ARGS)


def test_a_superuser_creates_a_service_on_the_page(client, world) -> None:
    operator = User.objects.create_superuser(email="operator@test.example", password="x" * 16)
    sign_in(client, operator)
    url = reverse("organisations:create")
    assert client.get(url).status_code == 200
    data = {
        "name": "Alfred EIVR",
        "slug": "alfred",
        "time_zone": "Australia/Melbourne",
        "country": "AU",
        "subdivision": "VIC",
        "classification": "anzsco",
        "manager_email": "lead@alfred.example",
        "manager_name": "Lee Lead",
    }
    refused = client.post(url, {**data, "subdivision": "QQ"})
    assert (
        refused.status_code == 400 and "QQ is not a subdivision of AU" in refused.content.decode()
    )
    assert client.post(url, data).status_code == 302
    service = Service.objects.get(slug="alfred")
    assert service.icd10_modification == "am"  # the Australian default
    assert EligibilityRules.objects.get(service=service).paid_work_only  # EIVRS
    # A service manager who is not a superuser does not see the page.
    assert world.client_for("admin").get(url).status_code == 404
