"""Run by test_import on SQLite: `alongside import referrals` of an 11,000-row file
(a dry run, then the real import) in a second process, while this one signs a
mentor in, opens a page and logs a contact, again and again, against a real
SQLite *file* database with the production settings (WAL, IMMEDIATE
transactions, a 20 s busy timeout). Prints JSON: each import's exit code and
time, and every round's outcome and duration."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROWS = 11_000
PASSWORD = "a long mentor password 42"


def _write_csv(path: Path) -> None:
    from alongside.patients import importing

    injured = dt.date.today() - dt.timedelta(days=40)
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=importing.COLUMNS)
        writer.writeheader()
        for i in range(ROWS):
            row = dict(importing.EXAMPLE_ROW)
            row.update(
                hospital_number=f"LOCK{i:06d}",
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                date_of_injury=injured.isoformat(),
                date_of_admission=injured.isoformat(),
                date_of_referral=(injured + dt.timedelta(days=5)).isoformat(),
            )
            writer.writerow(row)


def _round(client_class, email: str, match) -> None:
    """Sign in, read a page, log a contact: three writes on SQLite."""
    from django.utils import timezone

    from alongside.accounts.models import User
    from alongside.contacts import services

    client = client_class(HTTP_HOST="127.0.0.1")
    response = client.post(
        "/accounts/login/", {"username": email, "password": PASSWORD}, secure=True
    )
    if response.status_code != 302:
        raise AssertionError(f"sign-in answered {response.status_code}")
    response = client.get("/", secure=True, follow=True)
    if response.status_code != 200:
        raise AssertionError(f"home page answered {response.status_code}")
    services.contact_log(
        actor=User.objects.get(email=email),
        match=match,
        contact_at=timezone.now() - dt.timedelta(minutes=5),
        mode="phone",
        duration_minutes=20,
        topics=["Returning to work"],
    )


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connections
    from django.test import Client

    call_command("migrate", verbosity=0)
    from alongside.accounts.models import Role
    from alongside.contacts.models import Contact
    from alongside.patients.models import Patient
    from tests.contacts.factories import active_match
    from tests.factories import MembershipFactory, ServiceFactory, UserFactory
    from tests.matches.factories import ready_mentor

    service = ServiceFactory(slug="lock", occupation_classification="anzsco")
    email = "mentor@lock.example"
    mentor_user = MembershipFactory(
        user=UserFactory(email=email, password=PASSWORD), service=service, role=Role.MENTOR
    ).user
    match = active_match(service, mentor=ready_mentor(service, user=mentor_user))
    data_dir = Path(os.environ["ALONGSIDE_DATA_DIR"])
    referrals = data_dir / "referrals.csv"
    _write_csv(referrals)
    connections.close_all()

    runs = []
    for extra in (["--dry-run"], []):
        command = [sys.executable, "-m", "alongside.config.cli", "import", "referrals"]
        command += [str(referrals), "--service", service.slug, *extra]
        started = time.monotonic()
        importer = subprocess.Popen(
            command, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        rounds: list[dict[str, object]] = []
        while importer.poll() is None:
            began = time.monotonic()
            try:
                _round(Client, email, match)
                outcome = "ok"
            except OperationalError as error:
                outcome = f"OperationalError: {error}"
            except Exception as error:  # noqa: BLE001 - reported to the test
                outcome = f"crash: {error!r}"
            rounds.append(
                {
                    "outcome": outcome,
                    "seconds": round(time.monotonic() - began, 3),
                    "importer_running": importer.poll() is None,
                }
            )
            time.sleep(0.3)  # a person's pace; leaves the CPU to the import
        out, err = importer.communicate()
        runs.append(
            {
                "args": extra,
                "returncode": importer.returncode,
                "stdout": out.decode()[-500:],
                "stderr": err.decode()[-2000:],
                "seconds": round(time.monotonic() - started, 2),
                "rounds": rounds,
                "patients": Patient.objects.filter(service=service).count(),
            }
        )
    print(json.dumps({"runs": runs, "contacts": Contact.objects.filter(match=match).count()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
