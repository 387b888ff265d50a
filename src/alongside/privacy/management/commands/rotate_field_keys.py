from __future__ import annotations

from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.field_encryption import FieldKeyError
from alongside.privacy.services import field_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted note, reflection and transcript under the newest key "
        "in ALONGSIDE_FIELD_KEYS, in short batches. --new-key prints a fresh key instead."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=500, help="rows per transaction (default 500)"
        )
        parser.add_argument(
            "--new-key",
            action="store_true",
            help="print a new key to put first in ALONGSIDE_FIELD_KEYS, and change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_key"]:
            self.stdout.write(Fernet.generate_key().decode("ascii"))
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1", returncode=1)
        try:
            counts = field_keys_rotate(batch_size=options["batch_size"])
        except FieldKeyError as error:
            raise CommandError(str(error), returncode=1) from error
        for label, done in counts.items():
            self.stdout.write(f"{label}: {done} re-encrypted")
        self.stdout.write(
            f"{sum(counts.values())} values re-encrypted; every encrypted value is now under "
            "the newest key. Older keys can leave ALONGSIDE_FIELD_KEYS once no backup you may "
            "restore was taken before this run."
        )
