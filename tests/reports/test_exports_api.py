"""Exports API: start a job (a list or the research export), poll it, download it; the
file holds what the list page shows the caller; someone else's job is 404; scopes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alongside.accounts.services import api_token_issue
from alongside.reports.models import ExportJob
from tests.matches.factories import ready_mentor
from tests.personas import World

pytestmark = pytest.mark.django_db


def _client(world: World, persona: str, scopes: Any = None) -> tuple[Client, dict[str, str]]:
    kwargs = {"scopes": scopes} if scopes else {}
    _, secret = api_token_issue(user=world.person(persona), name="t", **kwargs)
    return Client(), {"Authorization": f"Bearer {secret}"}


def _post(client: Client, headers: dict[str, str], body: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/exports", json.dumps(body), content_type="application/json", headers=headers
    )


def test_a_list_export_runs_in_the_worker_and_downloads_the_pages_rows(
    world: World, run_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ready_mentor(world.home, last_name="Active")
    ready_mentor(world.home, last_name="Paused", status="paused")
    ready_mentor(world.other, last_name="Elsewhere")
    client, headers = _client(world, "therapist")
    with django_capture_on_commit_callbacks(execute=True):
        started = _post(
            client, headers, {"kind": "mentors", "format": "csv", "filters": {"status": "active"}}
        )
    assert started.status_code == 202, started.content
    job = started.json()
    assert job["status"] == "queued" and job["download"] is None
    run_worker()
    status = client.get(f"/api/v1/exports/{job['id']}", headers=headers).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["download"] == f"/api/v1/exports/{job['id']}/download"
    download = client.get(status["download"], headers=headers)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r[0].split()[-1] for r in rows[1:]] == ["Active"]
    # Someone else's job is 404, even a colleague in the same service.
    other, other_headers = _client(world, "colleague")
    assert other.get(f"/api/v1/exports/{job['id']}", headers=other_headers).status_code == 404
    assert other.get(status["download"], headers=other_headers).status_code == 404
    ExportJob.objects.filter(pk=job["id"]).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = client.get(status["download"], headers=headers)
    assert expired.status_code == 410 and expired["Content-Type"] == "application/problem+json"


def test_a_research_export_through_the_api(world: World) -> None:
    client, headers = _client(world, "analyst")
    started = _post(client, headers, {"kind": "research", "service": world.home.slug})
    assert started.status_code == 202 and started.json()["kind"] == "research"
    outsider, outsider_headers = _client(world, "outsider")
    refused = _post(outsider, outsider_headers, {"kind": "research", "service": world.home.slug})
    assert refused.status_code == 404


def test_a_list_the_caller_cannot_open_is_404_and_bad_bodies_422(world: World) -> None:
    client, headers = _client(world, "mentor")
    assert _post(client, headers, {"kind": "mentors"}).status_code == 404
    admin, admin_headers = _client(world, "admin")
    assert _post(admin, admin_headers, {"kind": "mentors", "format": "pdf"}).status_code == 422
    assert _post(admin, admin_headers, {"kind": "nonsense"}).status_code == 422
    assert _post(admin, admin_headers, {"kind": "research"}).status_code == 422
    assert not ExportJob.objects.exists()


def test_the_exports_scopes(world: World) -> None:
    client, headers = _client(world, "admin", scopes=["exports:read"])
    refused = _post(client, headers, {"kind": "mentors"})
    assert refused.status_code == 403 and refused.json()["required_scope"] == "exports:write"
    client, headers = _client(world, "admin", scopes=["exports:write"])
    job = _post(client, headers, {"kind": "mentors"}).json()
    polled = client.get(f"/api/v1/exports/{job['id']}", headers=headers)
    assert polled.status_code == 403 and polled.json()["required_scope"] == "exports:read"
