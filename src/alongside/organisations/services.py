from __future__ import annotations

from typing import Any

from django.db import transaction

from alongside.accounts import policy
from alongside.audit.changes import apply_changes
from alongside.audit.services import audit_record
from alongside.organisations.models import Service


def service_update(*, actor: Any, service: Service, changes: dict[str, Any]) -> Service:
    policy.require(actor, "service.configure", service)
    with transaction.atomic():
        changed = apply_changes(service, changes)
        if not changed:
            return service
        service.full_clean()
        service.save(update_fields=changed)
        audit_record(actor=actor, action="service.update", target=service, fields=changed)
    return service
