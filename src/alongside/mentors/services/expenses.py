"""Mentors' expense claims and their receipts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from alongside.accounts import policy
from alongside.accounts.models import User
from alongside.audit.services import audit_record
from alongside.mentors.models import (
    ExpenseClaim,
    ExpenseStatus,
    Mentor,
)
from alongside.mentors.services.compliance import _today

MAX_RECEIPT_BYTES = 5 * 1024 * 1024


# --- Expenses ----------------------------------------------------------------------------

RECEIPT_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"%PDF-", 0, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
)


def receipt_content_type(upload: UploadedFile) -> str:
    """What the file *is*, from its first bytes; the name and browser's claim are ignored."""
    if upload.size is not None and upload.size > MAX_RECEIPT_BYTES:
        raise ValidationError(
            {"receipt": "The receipt is larger than 5 MB; upload a smaller file."}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, offset, content_type in RECEIPT_SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            if content_type == "image/webp" and not head.startswith(b"RIFF"):
                continue
            return content_type
    raise ValidationError(
        {"receipt": "The receipt must be a photo (JPEG, PNG, GIF or WebP) or a PDF."}
    )


def expense_claim_submit(
    *,
    actor: User,
    mentor: Mentor,
    spent_on: dt.date,
    purpose: str,
    amount: Decimal,
    receipt: UploadedFile | None,
    today: dt.date | None = None,
) -> ExpenseClaim:
    policy.require_own_mentor_record(actor, mentor)
    errors = {}
    if spent_on > (today or _today()):
        errors["spent_on"] = "The date spent cannot be in the future."
    if not purpose.strip():
        errors["purpose"] = "Say what the money was spent on."
    if amount is None or amount <= 0 or amount >= Decimal("1000000"):
        errors["amount"] = "Enter an amount greater than 0."
    content_type = ""
    if receipt is not None:
        try:
            content_type = receipt_content_type(receipt)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        claim = ExpenseClaim(
            mentor=mentor,
            spent_on=spent_on,
            purpose=purpose.strip(),
            amount=amount,
            receipt_content_type=content_type,
        )
        if receipt is not None:
            claim.receipt.save("receipt", receipt, save=False)
        claim.save()
        audit_record(
            actor=actor,
            action="mentor.expense_submit",
            target=mentor,
            fields=["expense_claims.amount", "expense_claims.purpose", "expense_claims.receipt"],
        )
    return claim


def expense_decide(
    *, actor: User, claim: ExpenseClaim, approve: bool, note: str = ""
) -> ExpenseClaim:
    policy.require(actor, "mentor.expense_decide", claim.mentor)
    policy.refuse_oneself(actor, claim.mentor, "status", "You cannot decide your own claim.")
    if not approve and not note.strip():
        raise ValidationError({"note": "Say why the claim is rejected."})
    with transaction.atomic():
        locked = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
        if locked.status != ExpenseStatus.SUBMITTED:
            raise ValidationError({"status": "This claim has already been decided."})
        locked.status = ExpenseStatus.APPROVED if approve else ExpenseStatus.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.note = note.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        audit_record(
            actor=actor,
            action="mentor.expense_decide",
            target=claim.mentor,
            fields=["expense_claims.status", "expense_claims.note"],
        )
    return locked
