"""The CSV import never guesses a day/month order (issue 12, point 3)."""

from __future__ import annotations

import pytest

from alongside.patients import importing

pytestmark = pytest.mark.django_db


def _csv(date_of_birth: str) -> bytes:
    header, example = importing.template_csv().strip().splitlines()
    return f"{header}\n{example.replace('1987-03-14', date_of_birth)}\n".encode()


def _birth_problems(service, value: str) -> list[str]:
    report = importing.referrals_check(service=service, content=_csv(value))
    return [p.problem for p in report.problems if p.field == "date_of_birth"]


def test_an_ambiguous_slashed_date_is_a_row_error_by_default(world) -> None:
    (problem,) = _birth_problems(world.home, "03/04/1987")
    assert "could be day/month or month/day" in problem
    assert "YYYY-MM-DD" in problem


@pytest.mark.parametrize("value", ["1987-04-03", "25/10/1987", "04/04/1987"])
def test_iso_and_unambiguous_dates_are_read(world, value: str) -> None:
    assert _birth_problems(world.home, value) == []


def test_a_day_first_service_reads_slashed_dates_day_first(world) -> None:
    world.home.import_day_first = True
    world.home.save()
    report = importing.referrals_check(service=world.home, content=_csv("03/04/1987"))
    assert not [p for p in report.problems if p.field == "date_of_birth"]
    (_, patient), *_ = report.valid
    assert (patient.date_of_birth.day, patient.date_of_birth.month) == (3, 4)
