from __future__ import annotations

from typing import Any

from django.db import transaction

from alongside.audit.services import audit_record
from alongside.organisations.models import Service


def service_update(*, actor: Any, service: Service, changes: dict[str, Any]) -> Service:
    changed = [name for name, value in changes.items() if getattr(service, name) != value]
    if not changed:
        return service
    with transaction.atomic():
        for name in changed:
            setattr(service, name, changes[name])
        service.full_clean()
        service.save(update_fields=changed)
        audit_record(actor=actor, action="service.update", target=service, fields=changed)
    return service
