"""One vocabulary: each set of choices is defined once, in ``alongside.core.vocabulary``.

The scan reads every module under ``src/alongside`` (migrations aside) with
``ast`` and collects each *choices definition*: a class subclassing an enum or
Django choices type, a module-level tuple/list/set of strings or of
``(value, label)`` pairs, and a module-level ``*_LABELS`` / ``*_CHOICES``
dict of strings. Two definitions with the same set of values, or two classes
with the same name, fail the test unless listed in ``ALLOWED`` with a reason.
Look-up tables keyed by a vocabulary (FHIR codes, sentence words, weights) are
not choices and are not collected.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from alongside.core import vocabulary
from alongside.core.codes import INJURY_CATEGORIES
from alongside.core.matching import lived_experience

SRC = Path(vocabulary.__file__).resolve().parents[1]
CHOICE_BASES = {"TextChoices", "IntegerChoices", "Choices", "Enum", "StrEnum", "IntEnum"}
CHOICE_BASES |= {"Vocabulary"}
# Same values, different things: each pair is a deliberate second list.
ALLOWED: dict[frozenset[str], str] = {
    frozenset({"in_person", "phone", "video"}): (
        "evaluation.InterviewMode: how a study interview was held (its own labels, "
        "'Telephone'); the same three words as a pair's ContactMode, a different question"
    ),
    frozenset({"desk", "mixed", "physical"}): (
        "core.matching.similarity.DEMANDS_ORDER: JobDemands in the engine's "
        "closeness order (desk to physical), a rule rather than a list of choices"
    ),
    frozenset({"yes", "no"}): "YES_NO form choices: two words, not a domain vocabulary",
    frozenset({"queued", "running", "done", "failed"}): (
        "a background job's life (reports.ExportStatus, matches.BatchPlanStatus): the same "
        "four steps, each kind of job telling the person in its own words what is happening"
    ),
    frozenset({"mentor", "patient"}): (
        "contacts.SurveyRole (who answers an end-of-match survey) and privacy.SubjectType "
        "(whose records a subject-access export holds): two questions, the same two words"
    ),
    frozenset(
        {"injury", "work", "age", "place", "language", "availability", "modes"}
    ): "the engine's criterion keys (matching.profiles.CRITERIA) and their labels (explain)",
    frozenset(
        {"active", "paused", "wellbeing_hold", "training", "checks", "supervision", "capacity"}
        | {"declined_before", "willing", "gender", "language", "in_person"}
    ): "the engine's rule keys (matching.rules.RULES) and their labels (matches.selectors)",
}


@dataclass(frozen=True)
class Definition:
    name: str
    values: frozenset[str]
    where: str
    is_class: bool


def _strings(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"frozenset", "tuple"}:
        return _strings(node.args[0]) if node.args else None
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return None
    values = []
    for element in node.elts:
        if isinstance(element, ast.Constant) and isinstance(element.value, str):
            values.append(element.value)
        elif (
            isinstance(element, (ast.Tuple, ast.List))
            and len(element.elts) == 2
            and isinstance(element.elts[0], ast.Constant)
            and isinstance(element.elts[0].value, str)
        ):
            values.append(element.elts[0].value)
        else:
            return None
    return values


def _label_dict(name: str, node: ast.expr) -> list[str] | None:
    if not (name.endswith("_LABELS") or name.endswith("_CHOICES")):
        return None
    if not isinstance(node, ast.Dict):
        return None
    keys = [k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return keys if len(keys) == len(node.keys) else None


def _class_values(node: ast.ClassDef) -> list[str]:
    values = []
    for statement in node.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        if not (isinstance(target, ast.Name) and target.id.isupper()):
            continue
        if isinstance(value, ast.Tuple) and value.elts:
            value = value.elts[0]
        if isinstance(value, ast.Constant):
            values.append(str(value.value))
    return values


def definitions(root: Path = SRC) -> list[Definition]:
    found = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        where = str(path.relative_to(root.parent))
        for node in ast.parse(path.read_text(encoding="utf-8"), filename=str(path)).body:
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", None) or getattr(b, "attr", None) for b in node.bases}
                if bases & CHOICE_BASES and (values := _class_values(node)):
                    found.append(Definition(node.name, frozenset(values), where, True))
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                if not isinstance(target, ast.Name):
                    continue
                values = _strings(node.value) or _label_dict(target.id, node.value)
                if values and len(values) >= 2:
                    found.append(Definition(target.id, frozenset(values), where, False))
    return found


def duplicates(found: list[Definition]) -> list[str]:
    by_values: dict[frozenset[str], list[Definition]] = defaultdict(list)
    by_name: dict[str, list[Definition]] = defaultdict(list)
    for d in found:
        by_values[d.values].append(d)
        if d.is_class:
            by_name[d.name].append(d)
    problems = [
        f"{sorted(values)} defined {len(ds)} times: "
        + ", ".join(f"{d.name} ({d.where})" for d in ds)
        for values, ds in by_values.items()
        if len(ds) > 1 and values not in ALLOWED
    ]
    problems += [
        f"{name} defined {len(ds)} times: " + ", ".join(d.where for d in ds)
        for name, ds in by_name.items()
        if len(ds) > 1
    ]
    return problems


def test_no_choices_are_defined_twice_in_src() -> None:
    assert duplicates(definitions()) == []


def test_the_scan_finds_a_second_definition(tmp_path: Path) -> None:
    """The check can fail: a copy of Gender under another name, and a tuple copy."""
    package = tmp_path / "alongside"
    package.mkdir()
    (package / "one.py").write_text(
        "class Gender(Vocabulary):\n    WOMAN = 'woman', 'Woman'\n    MAN = 'man', 'Man'\n"
        "STATUSES = ('enquiry', 'active')\n"
    )
    (package / "two.py").write_text(
        "from django.db import models\n"
        "class PatientGender(models.TextChoices):\n    WOMAN = 'woman'\n    MAN = 'man'\n"
        "STATUS_LABELS = {'enquiry': 'Enquiry', 'active': 'Active'}\n"
        "class Gender(models.TextChoices):\n    F = 'female', 'Woman'\n    M = 'male', 'Man'\n"
    )
    problems = duplicates(definitions(package))
    assert len(problems) == 3
    assert any("PatientGender" in p for p in problems)
    assert any("STATUS_LABELS" in p for p in problems)
    assert any(p.startswith("Gender defined 2 times") for p in problems)


def test_vocabulary_gives_django_its_choices_shape() -> None:
    assert vocabulary.Gender.choices[0] == ("woman", "Woman")
    assert vocabulary.Gender.WOMAN == "woman" and vocabulary.Gender("man").label == "Man"
    assert vocabulary.MentorStatus.values[0] == "enquiry"
    assert "Prefers not to say" in vocabulary.Gender.labels
    with pytest.raises(ValueError):
        vocabulary.Gender("female")


def test_words_and_tables_keyed_by_a_vocabulary_cover_it_exactly() -> None:
    assert set(INJURY_CATEGORIES) == set(vocabulary.InjuryCategory.values)
    assert INJURY_CATEGORIES["sci"] == "spinal cord injury"
    assert set(lived_experience.MECHANISMS) == set(vocabulary.Mechanism.values)
    assert set(lived_experience.LATERALITIES) == set(vocabulary.AmputationLaterality.values)
    assert set(lived_experience.RTW_EMPLOYERS) == set(vocabulary.RtwEmployer.values)


def test_employment_kind_compares_work_not_hours() -> None:
    kind = vocabulary.employment_kind
    assert kind("full_time") == kind("part_time") == kind("employee") == "employee"
    assert kind("self_employed") == "self_employed"
    assert kind("unemployed") is None and kind("retired") is None and kind("") is None
    assert vocabulary.EmploymentType.EMPLOYEE in vocabulary.PAID_WORK
    assert vocabulary.EmploymentType.STUDENT in vocabulary.WORKING_OR_STUDYING
    assert vocabulary.EmploymentType.STUDENT not in vocabulary.PAID_WORK


def test_slot_words() -> None:
    assert vocabulary.slot_words("mon-am") == "Monday morning"
    assert vocabulary.AVAILABILITY_SLOTS[-1] == "sun-eve"
    assert len(vocabulary.AVAILABILITY_SLOTS) == 21
