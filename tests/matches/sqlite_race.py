"""Run by test_concurrency on SQLite: 32 threads propose the last place of one
mentor against a real SQLite *file* database with the production settings
(WAL, IMMEDIATE transactions). Prints JSON: the outcome of every thread."""

from __future__ import annotations

import json
import os
import sys
import threading


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.config.settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    from alongside.accounts.models import Role
    from alongside.matches import services
    from alongside.matches.models import Match
    from alongside.mentors.models import Mentor
    from tests.factories import MembershipFactory, ServiceFactory, UserFactory
    from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

    service = ServiceFactory(slug="race")
    therapist = MembershipFactory(
        user=UserFactory(email="t@race.example"), service=service, role=Role.THERAPIST
    ).user
    mentor = ready_mentor(service, capacity=2)
    MatchFactory(service=service, mentor=mentor)
    patients = [waiting_patient(service) for _ in range(32)]
    connections.close_all()
    barrier = threading.Barrier(len(patients))
    outcomes: list[str] = []
    lock = threading.Lock()

    def propose(patient) -> None:
        try:
            barrier.wait()
            services.match_propose(actor=therapist, patient=patient, mentor=mentor)
            result = "ok"
        except ValidationError as error:
            result = "full" if "No spare capacity" in str(error) else f"error: {error}"
        except Exception as error:  # noqa: BLE001 - reported to the test
            result = f"crash: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=propose, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    print(
        json.dumps(
            {
                "outcomes": outcomes,
                "matches": Match.objects.filter(mentor=mentor).count(),
                "mentee_count": Mentor.objects.get(pk=mentor.pk).mentee_count,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
