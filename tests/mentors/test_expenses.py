"""Expense claims: decisions, receipts and the finance export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from alongside.mentors import services
from alongside.mentors.exports import spreadsheet_safe
from alongside.mentors.models import ExpenseClaim
from tests.mentors.factories import home_claim, home_mentor


def test_approve_and_reject(world) -> None:
    claim = home_claim(world)
    client = world.client_for("therapist")
    assert (
        client.post(f"/mentors/expenses/{claim.pk}/decide/", {"decision": "reject"}).status_code
        == 302
    )
    claim.refresh_from_db()
    assert claim.status == "submitted"  # rejecting needs a note
    client.post(f"/mentors/expenses/{claim.pk}/decide/", {"decision": "approve"})
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.decided_by == world.people["therapist"]
    with pytest.raises(ValidationError, match="already been decided"):
        services.expense_decide(actor=world.people["admin"], claim=claim, approve=False, note="x")


def test_the_mentor_cannot_decide_or_submit_for_someone_else(world) -> None:
    claim = home_claim(world)
    response = world.client_for("mentor").post(
        f"/mentors/expenses/{claim.pk}/decide/", {"decision": "approve"}
    )
    assert response.status_code == 404
    from django.http import Http404

    with pytest.raises(Http404):
        services.expense_claim_submit(
            actor=world.people["therapist"],
            mentor=home_mentor(world),
            spent_on=dt.date(2025, 1, 1),
            purpose="x",
            amount=Decimal("1"),
            receipt=None,
        )


def test_csv_export_is_formula_safe(world) -> None:
    claim = home_claim(world)
    ExpenseClaim.objects.filter(pk=claim.pk).update(purpose='=HYPERLINK("http://evil")')
    response = world.client_for("admin").get("/mentors/expenses/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["claim", "service", "mentor"]
    assert rows[1][4] == '\'=HYPERLINK("http://evil")'
    assert rows[1][5] == "12.50"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_spreadsheet_safe(value: str) -> None:
    assert spreadsheet_safe(value).startswith("'")


def test_receipt_is_served_with_its_sniffed_type(world) -> None:
    claim = home_claim(world)
    response = world.client_for("mentor").get(f"/mentors/expenses/{claim.pk}/receipt/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_probe_13_receipt_is_served_as_an_attachment(world) -> None:
    claim = home_claim(world)
    response = world.client_for("therapist").get(f"/mentors/expenses/{claim.pk}/receipt/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="receipt-{claim.pk}.pdf"'
