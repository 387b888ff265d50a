"""Text messages through a pluggable backend, chosen by the ALONGSIDE_SMS_BACKEND setting.

A backend is a class with ``send(to: str, body: str) -> None`` that raises on
failure (the delivery task then retries with back-off). The console backend
writes the message to standard output; the locmem backend keeps messages in
``outbox`` for tests; the file backend appends them to a file (demo sites). A real
gateway (Twilio, MessageBird, an NHS or hospital SMS service) is a small class of
the same shape named in the setting.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

MAX_SMS_LENGTH = 480  # three concatenated segments


class SmsBackend(Protocol):
    def send(self, to: str, body: str) -> None: ...


class ConsoleSmsBackend:
    def send(self, to: str, body: str) -> None:
        sys.stdout.write(f"SMS to {to}: {body}\n")
        sys.stdout.flush()


@dataclass
class SentSms:
    to: str
    body: str


outbox: list[SentSms] = []


class LocmemSmsBackend:
    def send(self, to: str, body: str) -> None:
        outbox.append(SentSms(to=to, body=body))


class FileSmsBackend:
    """Appends each message as one JSON line to ``ALONGSIDE_SMS_FILE`` (default
    ``sms-outbox.jsonl`` in the data directory): a demo site's "phone", readable
    by a person or a browser test in another process."""

    def send(self, to: str, body: str) -> None:
        import json
        from pathlib import Path

        path = Path(
            getattr(settings, "ALONGSIDE_SMS_FILE", "")
            or Path(settings.DATA_DIR) / "sms-outbox.jsonl"
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as outbox_file:
            outbox_file.write(json.dumps({"to": to, "body": body}) + "\n")


def get_sms_backend() -> SmsBackend:
    dotted = getattr(
        settings, "ALONGSIDE_SMS_BACKEND", "alongside.notifications.sms.ConsoleSmsBackend"
    )
    backend: SmsBackend = import_string(dotted)()
    return backend


def sms_send(*, to: str, body: str) -> None:
    get_sms_backend().send(to, body[:MAX_SMS_LENGTH])
