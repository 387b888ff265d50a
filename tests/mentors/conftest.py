from __future__ import annotations

import datetime as dt

import pytest
import time_machine

TODAY = dt.date(2025, 6, 15)


@pytest.fixture
def frozen():
    with time_machine.travel(dt.datetime(2025, 6, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield TODAY
