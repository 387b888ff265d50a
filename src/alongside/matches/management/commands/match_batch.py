"""`alongside match batch --service SLUG [--dry-run] [--json]`: optimal proposals
for a service's whole waiting list, published in one transaction."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.policy import SYSTEM
from alongside.matches import selectors, services
from alongside.organisations.models import Service


class Command(BaseCommand):
    help = "Plan (and unless --dry-run, publish) proposals for a service's waiting list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--service", required=True, help="the service's slug")
        parser.add_argument("--dry-run", action="store_true", help="plan only, write nothing")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        slug = options["service"]
        service = Service.objects.filter(slug=slug).first()
        if service is None:
            raise CommandError(f"no service with the slug {slug!r}")
        plan = selectors.match_batch_plan(actor=SYSTEM, service=service)
        published = False
        if not options["dry_run"] and plan.pairs:
            try:
                services.match_batch_publish(
                    actor=SYSTEM,
                    service=service,
                    pairs=[(p.patient.pk, p.mentor.pk) for p in plan.pairs],
                )
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            published = True
        rows = [
            {"patient": p.patient.pk, "mentor": p.mentor.pk, "score": round(p.score, 6)}
            for p in plan.pairs
        ]
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "service": service.slug,
                        "dry_run": bool(options["dry_run"]),
                        "published": published,
                        "waiting": plan.waiting,
                        "proposals": rows,
                        "unmatched": [p.pk for p in plan.unmatched],
                    }
                )
            )
            return
        for row in rows:
            self.stdout.write(
                f"patient {row['patient']}\tmentor {row['mentor']}\t{row['score']:.3f}"
            )
        verb = "published" if published else "planned (dry run, nothing written)"
        if not options["dry_run"] and not plan.pairs:
            verb = "published"
        self.stdout.write(
            f"{len(rows)} of {plan.waiting} waiting patients matched; proposals {verb}."
        )
