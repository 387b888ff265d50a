"""Every example of docs/api.md works as written, against a live demo server.

The page's ```sh blocks that call `curl` are taken from it and run with bash and the real
curl, so the page cannot drift from the API: a renamed field, a changed path or a wrong demo
value fails here. (Issuing tokens with `issue_token` is tested in tests/accounts; here the
test issues the tokens the blocks that make them would.)

The walk-through's four blocks each run on their own, as the page presents them. The
reference examples after it (answering and ending matches, a mentor's availability, pages
of a list, exports) run in order in one shell, as a reader runs them in one terminal: a
variable one block sets (`MATCH`, `JOB`) is there for the next. Between starting an export
and asking for it the test runs the task worker, as `make run`'s worker would.
"""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import User
from alongside.accounts.services import api_token_issue
from alongside.matches.models import Match, MatchStatus
from alongside.mentors.models import Mentor

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.DOTALL)
# The scopes docs/api.md's "reference examples" token is issued with.
REFERENCE_SCOPES = [
    "patients:read",
    "matches:read",
    "matches:write",
    "mentors:read",
    "mentors:write",
    "exports:read",
    "exports:write",
]
PATH = "/usr/bin:/bin"

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def _blocks() -> list[tuple[str, str]]:
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


def _curl_blocks() -> list[str]:
    return [text for lang, text in _blocks() if lang == "sh" and "curl" in text]


def test_every_shell_example_is_a_block_this_test_runs() -> None:
    """No example hides in a block the test skips: every shell block is ```sh, and each one
    that does not call curl only makes a token or sets BASE (which the test does itself)."""
    for lang, text in _blocks():
        assert lang not in {"bash", "shell", "console", ""} or "curl" not in text, text
        if lang == "sh" and "curl" not in text:
            assert "issue_token" in text or text.startswith("BASE="), text
    assert "```bash" not in DOC.read_text(encoding="utf-8")


def _run(block: str, base: str, token: str) -> Any:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        env={"BASE": base, "TOKEN": token, "PATH": PATH},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


class Shell:
    """One bash session fed the blocks one after another, as a reader's terminal is."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.errors = cwd / "stderr.txt"
        self.proc = subprocess.Popen(
            ["bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors.open("w"),
            text=True,
            env={**env, "PATH": PATH},
            cwd=cwd,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        # A failing command is reported on stderr (and checked after every block).
        self._send("set -uo pipefail -E; trap 'echo \"failed: $BASH_COMMAND\" >&2' ERR\n")
        self.count = 0

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def _send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def run(self, block: str) -> str:
        self.count += 1
        marker = f"__block_{self.count}_done__"
        self._send(f"{block}\nprintf '\\n%s\\n' {marker}\n")
        out: list[str] = []
        while True:
            line = self.lines.get(timeout=60)
            if line.strip() == marker:
                break
            out.append(line)
        problems = self.errors.read_text()
        assert not problems, f"the block failed:\n{block}\n{problems}"
        return "".join(out).strip()

    def json(self, block: str) -> Any:
        return json.loads(self.run(block))

    def close(self) -> None:
        self._send("exit\n")
        self.proc.wait(timeout=10)


@pytest.mark.django_db(transaction=True)
def test_the_documented_curl_example_works(demo_site: str) -> None:
    therapist = User.objects.get(email="therapist@demo.example")
    _, token = api_token_issue(
        user=therapist, name="referral feed", scopes=["referrals:write", "reports:read"]
    )
    me, referral, dashboard, problem = _curl_blocks()[:4]

    assert _run(me, demo_site, token)["email"] == "therapist@demo.example"

    created = _run(referral, demo_site, token)
    assert created["status"] == "referred"
    assert created["hospital_number"] == "TR-000123"
    assert _run(referral, demo_site, token)["id"] == created["id"], "the retry made another"

    figures = _run(dashboard, demo_site, token)
    assert figures["service"] == "demo-melbourne"
    assert figures["period"] == {"start": "2026-01-01", "end": "2026-11-30"}
    assert {"referrals", "timeliness", "mentors", "return_to_work"} <= set(figures)

    refused = _run(problem, demo_site, token)
    assert refused["status"] == 422
    assert refused["errors"][0]["field"] == "end"


def _one(blocks: list[str], *needles: str) -> str:
    (found,) = [b for b in blocks if all(n in b for n in needles)]
    return found


@pytest.mark.django_db(transaction=True)
def test_the_reference_examples_work_in_one_shell(
    demo_site: str, run_worker: Any, tmp_path: Path
) -> None:
    therapist = User.objects.get(email="therapist@demo.example")
    _, token = api_token_issue(user=therapist, name="scripts", scopes=REFERENCE_SCOPES)
    _, mentor_token = api_token_issue(
        user=User.objects.get(email="mentor@demo.example"),
        name="my availability",
        scopes=["mentors:read", "mentors:write"],
    )
    blocks = _curl_blocks()[4:]
    shell = Shell({"BASE": demo_site, "TOKEN": token, "MENTOR_TOKEN": mentor_token}, tmp_path)
    try:
        # Answering: the therapist records that the patient agreed; again is out of turn.
        first, again = [b for b in blocks if "/respond" in b]
        answered = shell.json(first)
        assert answered["status"] == "patient_agreed" and answered["answered_as"] == "therapist"
        assert Match.objects.get(pk=answered["match_id"]).status == MatchStatus.PATIENT_AGREED
        conflict = shell.json(again)
        assert conflict["status"] == 409
        assert conflict["detail"] == "This match is “Patient agreed”, so it cannot be agreed to."

        ended = shell.json(_one(blocks, "/end"))
        assert ended["status"] == "ended" and ended["end_reason"] == "goals_met"
        assert Match.objects.get(pk=ended["id"]).status == MatchStatus.ENDED

        staff = shell.json(_one(blocks, "/availability", "capacity"))
        assert staff["capacity"] == 2
        assert staff["availability"] == ["mon-am", "wed-pm", "sat-am"]
        own = shell.json(_one(blocks, "/mentors/me/availability"))
        assert own["availability"] == ["tue-eve", "thu-eve"]
        assert Mentor.objects.get(pk=own["id"]).user.email == "mentor@demo.example"

        # Pages of a list: five at a time, following Link, make the whole list.
        counts = shell.run(_one(blocks, "while")).splitlines()
        per_page = [int(line.split()[0]) for line in counts]
        assert len(per_page) > 1 and all(n == 5 for n in per_page[:-1]), per_page
        whole = Client().get(
            "/api/v1/patients?status=referred&limit=500",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert sum(per_page) == len(whole.json()["items"])

        # Exports: start, the worker makes the file, ask, download.
        assert shell.run(_one(blocks, "JOB=$(curl")) == ""
        run_worker()
        status = shell.json(_one(blocks, '"$BASE/api/v1/exports/$JOB"'))
        assert status["status"] == "done" and status["download"].endswith("/download")
        saved = shell.run(_one(blocks, "-OJ"))
        assert saved.endswith(".csv") and (tmp_path / saved).read_text(encoding="utf-8-sig")
    finally:
        shell.close()
