"""`alongside manage create_service --name … --slug … --time-zone … --country …
--classification … --manager EMAIL`: a real service with default settings, and
an invitation to its first manager."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.policy import SYSTEM
from alongside.core.codes import CLASSIFICATIONS
from alongside.core.eligibility import PRESETS
from alongside.organisations.services import service_create

OPTION = {
    "name": "--name",
    "slug": "--slug",
    "time_zone": "--time-zone",
    "country": "--country",
    "subdivision": "--subdivision",
    "classification": "--classification",
    "manager_email": "--manager",
    "icd10_modification": "--icd10",
    "eligibility_preset": "--eligibility",
}


class Command(BaseCommand):
    help = "Create a service with default settings and invite its first manager."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="e.g. 'Leeds Major Trauma EIVR Service'")
        parser.add_argument("--slug", required=True, help="short name in addresses, e.g. leeds")
        parser.add_argument("--time-zone", required=True, help="e.g. Europe/London")
        parser.add_argument("--country", required=True, help="ISO 3166-1 code, e.g. GB or AU")
        parser.add_argument(
            "--subdivision",
            default="",
            help="state or nation whose public holidays the service keeps, e.g. ENG or VIC",
        )
        parser.add_argument(
            "--classification",
            required=True,
            choices=sorted(CLASSIFICATIONS),
            help="occupation classification",
        )
        parser.add_argument("--manager", required=True, metavar="EMAIL", help="first manager")
        parser.add_argument("--manager-name", default="", help="the manager's full name")
        parser.add_argument(
            "--icd10",
            default="",
            choices=["", "who", "am"],
            help="ICD-10 edition (default: am in Australia, who elsewhere)",
        )
        parser.add_argument(
            "--eligibility",
            default="",
            choices=["", *PRESETS],
            help="eligibility preset (default: rowtate in GB, eivrs elsewhere)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            service = service_create(
                actor=SYSTEM,
                name=options["name"],
                slug=options["slug"],
                time_zone=options["time_zone"],
                country=options["country"],
                subdivision=options["subdivision"],
                classification=options["classification"],
                manager_email=options["manager"],
                manager_name=options["manager_name"],
                icd10_modification=options["icd10"],
                eligibility_preset=options["eligibility"],
            )
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise CommandError(f"{OPTION.get(field, field)}: {messages[0]}") from None
        self.stdout.write(
            f"Created {service.name} ({service.slug}); an invitation is on its way to "
            f"{options['manager'].strip().lower()}."
        )
