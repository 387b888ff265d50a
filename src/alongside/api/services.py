"""Writes of the API's own records: the ``Idempotency-Key`` ledger (see ``idempotency``)."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from alongside.accounts.models import User
from alongside.api.models import IdempotentRequest

KEEP_FOR = timedelta(hours=24)


def idempotency_key_claim(
    *, user: User, key: str, fingerprint: str
) -> tuple[IdempotentRequest, bool]:
    """Forget the user's keys older than a day, then claim ``key``: (record, True) when
    this request is the first, (the earlier request's record, False) when it is not.

    Runs inside the caller's transaction, which also holds the create, so that a key
    is only kept when the create succeeds."""
    IdempotentRequest.objects.filter(user=user, created_at__lt=timezone.now() - KEEP_FOR).delete()
    try:
        with transaction.atomic():
            record = IdempotentRequest.objects.create(user=user, key=key, fingerprint=fingerprint)
    except IntegrityError:
        # Another request with this key committed first (a concurrent one waits on the
        # unique index until then).
        return IdempotentRequest.objects.get(user=user, key=key), False
    return record, True


def idempotency_key_settle(record: IdempotentRequest, object_id: int) -> None:
    """Remember which record the key's create made, for the retry's answer."""
    record.object_id = object_id
    record.save(update_fields=["object_id"])
