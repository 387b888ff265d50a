"""Every table of every installed app, read and written in a database-neutral form.

A value is stored as JSON by its field's type (times in UTC ISO 8601, decimals as
text at the field's places, durations in microseconds, bytes in base64, JSON
fields as themselves), so a backup taken on SQLite restores on PostgreSQL and
the checksums agree. Rows are read in primary-key order with a byte-wise
collation for text keys, the same order on both engines.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connections, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models.functions import Collate

from alongside.backup.manifest import TableDigest, canonical_row
from alongside.field_encryption import EncryptedTextField, stored

CHUNK_ROWS = 2000
# Tables that are not any model's: the migration record (the target keeps its own,
# and the schema check compares it) and the rate-limit counters (a cache).
NOT_INCLUDED = {
    "django_migrations": "the schema record; restore checks it instead of copying it",
    "alongside_rate_limits": "short-lived rate-limit counters (a cache)",
}
# Rows `migrate` itself creates in an empty database; restore replaces them.
MIGRATE_FILLED = ("contenttypes.contenttype", "auth.permission")


@dataclass(frozen=True)
class Table:
    label: str  # app_label.model_name
    model: type[models.Model]
    fields: tuple[models.Field[Any, Any], ...]

    @property
    def db_table(self) -> str:
        return self.model._meta.db_table

    @property
    def columns(self) -> list[str]:
        return [str(f.column) for f in self.fields]  # concrete fields: never None


def installed_tables() -> list[Table]:
    """Every concrete, managed model table (auto-created many-to-many tables too)."""
    found: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        if meta.db_table in {t.db_table for t in found.values()}:
            continue
        found[meta.label_lower] = Table(
            label=meta.label_lower, model=model, fields=tuple(meta.local_concrete_fields)
        )
    return [found[label] for label in sorted(found)]


def encode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    kind = field.get_internal_type()
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, Decimal):
        places = getattr(field, "decimal_places", None)
        return f"{value:.{places}f}" if places is not None else str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "UUIDField":
        return str(value)
    if kind == "GenericIPAddressField":
        return str(value)
    return value


def decode(field: models.Field[Any, Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, EncryptedTextField):
        return value  # the stored token, written back as it is (``stored_form``)
    kind = field.get_internal_type()
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "JSONField":
        return value
    return field.to_python(value)


def stored_form(field: models.Field[Any, Any], value: Any, connection: Any) -> Any:
    """What to write into the column for a decoded backup value."""
    if isinstance(field, EncryptedTextField):
        return value  # already a token: encrypting it again would nest it
    return field.get_db_prep_save(value, connection)


def _ordered(table: Table, using: str) -> models.QuerySet[Any]:
    rows = table.model._base_manager.using(using)
    pk = table.model._meta.pk
    if isinstance(pk, models.CharField | models.TextField):
        vendor = connections[using].vendor
        collation = {"postgresql": "C", "sqlite": "BINARY"}.get(vendor)
        if collation:
            return rows.order_by(Collate("pk", collation))
    return rows.order_by("pk")


def table_lines(table: Table, using: str) -> Iterator[bytes]:
    """The table's canonical lines in order, streamed in chunks.

    Encrypted columns are copied as stored (the Fernet token, never the text), so a
    backup holds no more plain text than the database; restoring it needs the keys."""
    columns = [
        stored(f.attname) if isinstance(f, EncryptedTextField) else f.attname for f in table.fields
    ]
    query = _ordered(table, using).values_list(*columns)
    for values in query.iterator(chunk_size=CHUNK_ROWS):
        yield canonical_row(encode(f, v) for f, v in zip(table.fields, values, strict=True))


def table_digest(table: Table, using: str) -> TableDigest:
    digest = TableDigest()
    for line in table_lines(table, using):
        digest.add(line)
    return digest


def table_entry(table: Table, digest: TableDigest) -> dict[str, Any]:
    return {
        "db_table": table.db_table,
        "columns": table.columns,
        "rows": digest.rows,
        "sha256": digest.sha256,
    }


def applied_migrations(using: str) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in MigrationRecorder(connections[using]).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def latest_migrations(applied: dict[str, list[str]]) -> dict[str, str]:
    """Per app, the applied migration no other applied one of that app depends on."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    latest: dict[str, str] = {}
    for app, names in applied.items():
        nodes = set(names)
        leaves = [
            name
            for name in names
            if (app, name) not in graph.nodes
            or not any(
                child[0] == app and child[1] in nodes
                for child in graph.node_map[(app, name)].children
            )
        ]
        latest[app] = ", ".join(sorted(leaves))
    return latest


def known_migrations() -> dict[str, list[str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known: dict[str, list[str]] = {}
    for app, name in loader.disk_migrations:
        known.setdefault(app, []).append(name)
    return known


def other_tables(using: str) -> list[str]:
    """Tables in the database that no model owns and that are not knowingly left out."""
    ours = {t.db_table for t in installed_tables()}
    with connections[using].cursor() as cursor:
        names = connections[using].introspection.table_names(cursor)
    return sorted(n for n in names if n not in ours and n not in NOT_INCLUDED)
