"""32 threads propose matches for mentors with few free places, 20 rounds over.

Each thread is one therapist's request with its own database connection and
transaction, calling the real service. In every round: no mentor ends above
capacity, every request gets an answer (a match or the capacity refusal, nothing
else), every free place is taken (there are more requests than places for each
mentor), and the answers agree with the rows written.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from alongside.matches import services
from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import Mentor
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 32
ROUNDS = 20
# (capacity, places already taken) for each mentor: 1 + 1 + 2 = 4 free places.
MENTORS = [(1, 0), (2, 1), (3, 1)]
OPEN = [MatchStatus.PROPOSED, MatchStatus.PATIENT_AGREED, MatchStatus.ACTIVE]


def _round(world) -> tuple[Counter[str], dict[int, tuple[int, int]], int]:
    mentors = []
    for capacity, taken in MENTORS:
        mentor = ready_mentor(world.home, capacity=capacity)
        for _ in range(taken):
            MatchFactory(service=world.home, mentor=mentor)
        mentors.append(mentor)
    patients = [waiting_patient(world.home) for _ in range(THREADS)]
    therapist = world.people["therapist"]
    barrier = threading.Barrier(THREADS)
    answers: list[str] = []
    lock = threading.Lock()

    def propose(index: int) -> None:
        mentor = mentors[index % len(mentors)]
        try:
            barrier.wait(timeout=30)
            services.match_propose(actor=therapist, patient=patients[index], mentor=mentor)
            answer = "match"
        except ValidationError as error:
            answer = "no spare capacity" if "No spare capacity" in str(error) else f"other: {error}"
        except Exception as error:  # noqa: BLE001 - any other failure is the finding
            answer = f"crash: {error!r}"
        finally:
            connections.close_all()
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=propose, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    load = {
        m.pk: (
            Match.objects.filter(mentor=m, status__in=OPEN).count(),
            Mentor.objects.get(pk=m.pk).capacity,
        )
        for m in mentors
    }
    created = Match.objects.filter(patient__in=patients).count()
    return Counter(answers), load, created


def test_32_threads_never_exceed_capacity_nor_lose_a_request_20_rounds(world) -> None:
    started = time.monotonic()
    free = sum(capacity - taken for capacity, taken in MENTORS)
    passed = 0
    for number in range(1, ROUNDS + 1):
        answers, load, created = _round(world)
        assert sum(answers.values()) == THREADS, f"round {number}: lost requests {answers}"
        assert set(answers) <= {"match", "no spare capacity"}, f"round {number}: {answers}"
        assert answers["match"] == free == created, f"round {number}: {answers}, {created} rows"
        for mentor_id, (held, capacity) in load.items():
            assert held == capacity, f"round {number}: mentor {mentor_id} {held}/{capacity}"
        passed += 1
    assert passed == ROUNDS
    assert time.monotonic() - started < 120
