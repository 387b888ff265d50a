"""Services write, selectors read: a selector never imports a services module (so the
two cannot form an import circle), and views and API routers never query the ORM
themselves (their reads go through selectors, which scope and audit them)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "alongside"


def _is_services(module: str) -> bool:
    return "services" in module.split(".")


def _services_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [
                f"line {node.lineno}: import {a.name}" for a in node.names if _is_services(a.name)
            ]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = [a.name for a in node.names]
            if _is_services(module) or "services" in names:
                found.append(f"line {node.lineno}: from {module} import {', '.join(names)}")
    return found


def _orm_queries(path: Path) -> list[str]:
    """``Model.objects.<anything>``: a query written outside a selector."""
    return [
        f"line {node.lineno}: .objects.{node.attr}"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "objects"
    ]


def _api_modules() -> list[Path]:
    """Every API module but the API app's own writes (``api/services.py``) and models."""
    return [
        p for p in sorted((SRC / "api").glob("*.py")) if p.name not in {"services.py", "models.py"}
    ]


def test_selectors_never_import_services() -> None:
    selectors = sorted(SRC.rglob("selectors.py")) + sorted(SRC.rglob("selectors/*.py"))
    assert selectors
    problems = {
        str(p.relative_to(SRC)): found for p in selectors if (found := _services_imports(p))
    }
    assert problems == {}


def test_views_and_api_routers_do_not_query_the_orm() -> None:
    modules = sorted(SRC.glob("*/views.py")) + sorted(SRC.glob("*/views/*.py")) + _api_modules()
    assert len(modules) > 5
    problems = {str(p.relative_to(SRC)): found for p in modules if (found := _orm_queries(p))}
    assert problems == {}


def test_the_checks_can_fail(tmp_path: Path) -> None:
    bad_selector = tmp_path / "selectors.py"
    bad_selector.write_text(
        "def f():\n    from alongside.mentors.services import x\n"
        "from alongside.matches import services\n"
    )
    assert len(_services_imports(bad_selector)) == 2
    bad_view = tmp_path / "views.py"
    bad_view.write_text("def v(request):\n    return Patient.objects.filter(pk=1)\n")
    assert _orm_queries(bad_view) == ["line 2: .objects.filter"]


MAIL = {"send_mail", "send_mass_mail", "mail_admins", "mail_managers"}
MAIL_CLASSES = {"EmailMessage", "EmailMultiAlternatives"}


def _mail_sends(path: Path) -> list[str]:
    """Django's mail functions and message classes, imported or called."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("django.core.mail"):
            found += [
                f"line {node.lineno}: {a.name}" for a in node.names if a.name in MAIL | MAIL_CLASSES
            ]
        elif isinstance(node, ast.Attribute) and node.attr in MAIL | MAIL_CLASSES:
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


def test_only_the_notifications_app_sends_mail() -> None:
    """One way to notify: preferences, quiet hours, the in-app list and retries apply only
    if every message goes through the notifications app (issue 10, section 4)."""
    offenders = {
        str(path.relative_to(SRC)): found
        for path in SRC.rglob("*.py")
        if "notifications" not in path.relative_to(SRC).parts[:1] and (found := _mail_sends(path))
    }
    assert offenders == {}


def test_the_mail_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text("from django.core.mail import send_mail\nsend_mail('a', 'b', None, [])\n")
    assert _mail_sends(sample)


def _actor_none(path: Path) -> list[str]:
    """A call passing ``actor=None``: the system acting without saying so."""
    return [
        f"line {node.lineno}"
        for node in ast.walk(ast.parse(path.read_text(), str(path)))
        if isinstance(node, ast.keyword)
        and node.arg == "actor"
        and isinstance(node.value, ast.Constant)
        and node.value.value is None
    ]


def test_the_system_acts_by_name() -> None:
    """Skipping the policy is visible: a trusted process passes ``actor=SYSTEM``
    (``accounts.policy.SYSTEM``), never ``actor=None`` (issue 10, section 3)."""
    offenders = {
        str(path.relative_to(SRC)): found
        for path in SRC.rglob("*.py")
        if "migrations" not in path.parts and (found := _actor_none(path))
    }
    assert offenders == {}


def test_the_system_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "command.py"
    sample.write_text("referral_create(actor=None, service=s, data={})\n")
    assert _actor_none(sample) == ["line 1"]


MESSAGE_SEARCH = re.compile(r"""["'][^"']*["'] in str\(\w+\)|str\(\w+\)\.startswith\(""")


def test_no_code_decides_a_field_by_searching_a_message() -> None:
    """A core rule names its field (``alongside.core.FieldProblem``); searching the text of
    an error for a word breaks the day someone rewords the message (issue 10 §5)."""
    offenders = {
        str(path.relative_to(SRC)): [
            f"line {n}"
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if MESSAGE_SEARCH.search(line)
        ]
        for path in SRC.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert MESSAGE_SEARCH.search('field = "expires_on" if "expiry" in str(exc) else "x"')
