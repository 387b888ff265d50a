"""Plain words everywhere (issue 12, section 6): no page shows a raw stored value.

Walks every page of the access matrix (the same URLs, world and records as the
read-audit probe) as every persona, and fails on what a person should never read:
a snake_case value (``self_employed``), a stored choice that is not its label
(``sat-am``, ``inpersonward``), Python's ``None``, or Django's empty choice
``---------``. ``test_the_check_can_fail`` shows each rule catching its case.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import transaction
from django.http import StreamingHttpResponse

from alongside.mentors.models import ExpenseClaim
from alongside.organisations.templatetags.money import format_money
from tests.audit.test_read_audit import _populate, _send
from tests.mentors.factories import home_claim, home_mentor
from tests.page_text import visible_text
from tests.personas import PERSONAS, build_world
from tests.test_access_matrix import ROWS

SNAKE = re.compile(r"(?<![\w@./:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w@/-])")
NONE = re.compile(r"\bNone\b")
EMPTY_CHOICE = "---------"


def _raw_choices() -> set[str]:
    """Stored choice values that would read as code if shown: with a hyphen or an
    underscore, or run-together words that are not in their own label."""
    raw = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "flatchoices", None) or []:
                if not isinstance(value, str) or not isinstance(label, str) or len(value) < 4:
                    continue
                words = re.findall(r"[a-z]+", label.lower())
                if "-" in value or "_" in value or _run_together(value, words):
                    raw.add(value)
    return raw


def _run_together(value: str, words: list[str]) -> bool:
    """``inpersonward`` from "In person, on the ward": two or more of the label's
    words written as one."""
    if not value.isalpha() or value in words:
        return False

    def splits(rest: str, count: int) -> bool:
        if not rest:
            return count >= 2
        return any(rest.startswith(w) and splits(rest[len(w) :], count + 1) for w in words if w)

    return splits(value, 0)


# Pages whose subject is a file format: they name its columns and codes on purpose.
FILE_FORMAT_PAGES = {
    "patients:import": "the CSV template's column names",
    "reports:research": "the research export's data dictionary (columns and codes)",
}


def problems_in(text: str, raw_choices: set[str]) -> list[str]:
    found = [f"snake_case {m}" for m in SNAKE.findall(text)]
    found += ["None"] * len(NONE.findall(text))
    if EMPTY_CHOICE in text:
        found.append("an empty choice ---------")
    tokens = set(re.findall(r"[\w-]+", text))
    found += [f"raw choice {value}" for value in sorted(raw_choices & tokens)]
    return found


def test_the_check_can_fail() -> None:
    raw = {"sat-am", "inpersonward"}
    assert problems_in("Employment self_employed", raw) == ["snake_case self_employed"]
    assert problems_in("Receipt: None", raw) == ["None"]
    assert problems_in("Therapist --------- Ann", raw) == ["an empty choice ---------"]
    assert problems_in("Free sat-am, meets inpersonward", raw) == [
        "raw choice inpersonward",
        "raw choice sat-am",
    ]
    assert problems_in("Saturday morning, on the ward; mina@demo.example", raw) == []
    assert _run_together("inpersonward", ["in", "person", "on", "the", "ward"])
    assert not _run_together("phone", ["phone", "call"])
    assert not _run_together("acceptance", ["from", "acceptance"])


@pytest.mark.django_db
def test_every_page_speaks_plain_words() -> None:
    raw = _raw_choices()
    world = build_world()
    _populate(world)
    home_claim(world)  # with a receipt, and one without: "Receipt: None" was seen
    ExpenseClaim.objects.create(
        mentor=home_mentor(world), spent_on=date(2024, 1, 6), purpose="Bus", amount=Decimal("3")
    )
    base = dict(world.objects)
    problems: dict[str, list[str]] = {}
    pages = 0
    for name, row in sorted(ROWS.items()):
        if row.api or row.method != "get" or name in FILE_FORMAT_PAGES:
            continue
        row_savepoint = transaction.savepoint()
        world.objects = dict(base)
        row.kwargs(world)
        for persona in PERSONAS:
            savepoint = transaction.savepoint()
            response = _send(world, persona, name, row)
            is_page = "text/html" in response.get("Content-Type", "")
            if response.status_code == 200 and is_page:
                assert not isinstance(response, StreamingHttpResponse)
                pages += 1
                text = visible_text(response.content.decode())
                found = problems_in(text, raw)
                if found:
                    problems.setdefault(f"{name} as {persona}", sorted(set(found)))
            transaction.savepoint_rollback(savepoint)
        transaction.savepoint_rollback(row_savepoint)
    assert pages > 100, "the walk saw too few pages to mean anything"
    assert not problems, "\n".join(f"{page}: {', '.join(p)}" for page, p in problems.items())


def test_amounts_carry_their_currency() -> None:
    assert format_money(Decimal("17.6"), "AU") == "$17.60"
    assert format_money(Decimal("1234.5"), "GB") == "£1,234.50"
    assert format_money(Decimal("3"), "") == "3.00"
    assert format_money(None, "AU") == ""


@pytest.mark.django_db
def test_the_expenses_list_shows_the_currency_and_no_none(world) -> None:
    from django.urls import reverse

    home_claim(world)
    ExpenseClaim.objects.create(
        mentor=home_mentor(world), spent_on=date(2024, 1, 6), purpose="Bus", amount=Decimal("3")
    )
    text = visible_text(
        world.client_for("therapist").get(reverse("mentors:expenses")).content.decode()
    )
    symbol = format_money(Decimal("12.50"), world.home.country)
    assert symbol != "12.50" and symbol in text
    assert "No receipt" in text and not NONE.search(text)
