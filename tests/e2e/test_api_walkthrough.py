"""docs/api.md's curl example works as written, against a live demo server.

The `curl` blocks are taken from the page and run with bash and the real curl, so the
page cannot drift from the API: a renamed field, a changed path or a wrong demo value
fails here. (Issuing the token with `issue_token` is tested in tests/accounts.) Only the
walk-through's ```sh blocks run; the reference examples further down (paging, exports)
are ```bash blocks, each covered by its own test in tests/api and tests/reports.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from alongside.accounts.models import User
from alongside.accounts.services import api_token_issue

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
BLOCK = re.compile(r"```sh\n(.*?)```", re.DOTALL)

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def _curl_blocks() -> list[str]:
    return [block for block in BLOCK.findall(DOC.read_text(encoding="utf-8")) if "curl" in block]


def _run(block: str, base: str, token: str) -> Any:
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        env={"BASE": base, "TOKEN": token, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout)


@pytest.mark.django_db(transaction=True)
def test_the_documented_curl_example_works(demo_site: str) -> None:
    therapist = User.objects.get(email="therapist@demo.example")
    _, token = api_token_issue(
        user=therapist, name="referral feed", scopes=["referrals:write", "reports:read"]
    )
    me, referral, dashboard, problem = _curl_blocks()

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
