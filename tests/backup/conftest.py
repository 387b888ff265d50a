"""Backup tests run with ``transaction=True``: a backup reads in its own read
transaction (on SQLite it must start one itself), and restore commits, neither
of which can happen inside the transaction pytest-django wraps a test in.

"An empty, migrated database" is the test database after ``flush``: flush
empties every model table and its post-migrate signal puts back the content
types and permissions, exactly what ``migrate`` leaves in a new database. So
one database serves: fill it, back it up, flush, restore, compare.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.core.management import call_command


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def emptied(media: Path):
    """Empty the database and the uploads, as a newly migrated installation."""

    def empty() -> None:
        call_command("flush", interactive=False, verbosity=0)
        shutil.rmtree(media)
        media.mkdir()

    return empty
