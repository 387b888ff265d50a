"""alongside export fhir OUT.json [--patient ID]"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from alongside.accounts.policy import SYSTEM
from alongside.audit.services import audit_record
from alongside.patients.models import Patient
from alongside.reports import fhir


class Command(BaseCommand):
    help = "HL7 FHIR R4 Bundle of one patient, or of every patient (validated with fhir.resources)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out", help="the JSON file to write ('-' for standard output)")
        parser.add_argument("--patient", type=int, help="one patient's id")

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"]
        if out != "-" and not Path(out).parent.exists():
            raise CommandError(f"{Path(out).parent}: no such folder")
        patients = Patient.objects.order_by("pk")
        if options["patient"] is not None:
            patients = patients.filter(pk=options["patient"])
            if not patients.exists():
                raise CommandError(f"--patient: no patient with the id {options['patient']}")
        chosen = list(fhir.patients_for_fhir(patients))
        text = fhir.bundle_json(fhir.bundle_for(chosen))
        audit_record(
            actor=SYSTEM,
            action="fhir.export",
            object_type="patients.patient",
            object_id=options["patient"] or "",
            object_ids=[f"patients.patient:{p.pk}" for p in chosen],
        )
        if out == "-":
            sys.stdout.write(text + "\n")
            return
        Path(out).write_text(text + "\n", encoding="utf-8")
        self.stderr.write(f"wrote {out} ({len(chosen)} patient(s))")
