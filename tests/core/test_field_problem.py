"""Core validators that check several fields name the field they refuse (issue 10 §5), so
no caller decides the field by searching the message for a word."""

from __future__ import annotations

import datetime as dt

import pytest

from alongside.core import FieldProblem
from alongside.core.mentor_programme import validate_check_dates
from alongside.core.targets import validate_holiday_calendar

TODAY = dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("issued", "expires", "field"),
    [
        (TODAY + dt.timedelta(days=1), None, "issued_on"),
        (TODAY, TODAY - dt.timedelta(days=1), "expires_on"),
    ],
)
def test_check_dates_name_their_field(issued, expires, field) -> None:
    with pytest.raises(FieldProblem) as refused:
        validate_check_dates(issued, expires, TODAY)
    assert refused.value.field == field
    assert str(refused.value) == refused.value.message


@pytest.mark.parametrize(
    ("country", "subdivision", "field"), [("ZZ", "", "country"), ("AU", "XX", "subdivision")]
)
def test_holiday_calendars_name_their_field(country, subdivision, field) -> None:
    with pytest.raises(FieldProblem) as refused:
        validate_holiday_calendar(country, subdivision)
    assert refused.value.field == field
    assert isinstance(refused.value, ValueError)  # callers wanting only the message


def test_a_valid_calendar_passes() -> None:
    assert validate_holiday_calendar(" au ", "vic") == ("AU", "VIC")
