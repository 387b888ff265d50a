"""A therapist uploads a referral file: the job page follows the task worker by itself."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _run_worker() -> None:
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay")


def test_upload_progress_preview_and_import(demo_site: str, page, tmp_path) -> None:
    from alongside.patients import importing

    injured = dt.date.today() - dt.timedelta(days=30)
    row = dict(
        importing.EXAMPLE_ROW,
        hospital_number="E2E-IMPORT-1",
        given_name="Imogen",
        family_name="Importcase",
        date_of_injury=injured.isoformat(),
        date_of_admission=injured.isoformat(),
        date_of_referral=(injured + dt.timedelta(days=2)).isoformat(),
    )
    path = tmp_path / "referrals.csv"
    path.write_text(
        ",".join(importing.COLUMNS) + "\n" + ",".join(f'"{row[c]}"' for c in importing.COLUMNS)
    )
    sign_in(page, demo_site, "therapist@demo.example")
    page.goto(f"{demo_site}/patients/import/")
    expect(page.get_by_text("20,000 rows").first).to_be_visible()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Checking the file")).to_be_visible()
    assert_accessible(page)
    _run_worker()
    # No reload: the page polls its fragment and shows the preview when the check is done.
    expect(page.get_by_role("button", name="Import 1 referrals")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("cell", name="Imogen Importcase")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Import 1 referrals").click()
    _run_worker()
    expect(page.get_by_text("Imported 1 referrals")).to_be_visible(timeout=10_000)
