"""Field-level encryption of free text: clinical notes, mentors' reflections, transcripts.

``EncryptedTextField`` is a ``TextField`` whose column holds a Fernet token (AES-128-CBC
with an HMAC-SHA256, from the ``cryptography`` package) instead of the text. It
encrypts when a value is written (``get_db_prep_save``: saves, ``update()``,
``bulk_create`` and ``bulk_update`` all pass through it) and decrypts when a row is read
(``from_db_value``), so models, forms, the API and exports see plain text while the
database, its dumps and its replicas hold only ciphertext.

Keys: ``settings.ALONGSIDE_FIELD_KEYS``, newest first (``MultiFernet``). The newest key
encrypts every new value; every listed key decrypts. ``alongside manage
rotate_field_keys`` re-encrypts stored values under the newest key in short batches;
after it, the older keys can be removed (see docs/security.md, "Field-level encryption
and key rotation").

What the database can still tell without a key: whether a value is empty (an empty
value is stored empty, so "has a reflection" stays a plain SQL test), roughly how long it
is, and when it was encrypted (a Fernet token carries its time). What it cannot do: search
or compare the text. Only ``isnull`` and comparing with ``""`` are allowed; any other
lookup (``icontains``, ``startswith``, equality with a value…) raises ``FieldError`` at
once rather than silently never matching. Code that must search these columns decrypts
in Python (``evaluation.selectors.search``, the erasure sweep).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import lookups


class FieldKeyError(RuntimeError):
    """A stored value could not be decrypted with any key in ALONGSIDE_FIELD_KEYS."""


@functools.lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[MultiFernet, Fernet]:
    each = [Fernet(key) for key in keys]
    return MultiFernet(each), each[0]


def _current() -> tuple[MultiFernet, Fernet]:
    return _fernets(tuple(settings.ALONGSIDE_FIELD_KEYS))


def encrypt(text: str) -> str:
    """A Fernet token of ``text`` under the newest key."""
    return _current()[0].encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _current()[0].decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise FieldKeyError(
            "a stored encrypted value cannot be decrypted with any key in "
            "ALONGSIDE_FIELD_KEYS (a key was removed before rotate_field_keys ran, or the "
            "value is not encrypted)"
        ) from error


def is_token(value: str) -> bool:
    """Whether ``value`` is a token one of the configured keys made."""
    try:
        decrypt(value)
    except FieldKeyError:
        return False
    return True


def under_newest_key(token: str) -> bool:
    try:
        _current()[1].decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def rotated(token: str) -> str:
    """The same text encrypted under the newest key (``FieldKeyError`` if no key fits)."""
    try:
        return _current()[0].rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError) as error:
        raise FieldKeyError(
            "a stored encrypted value cannot be decrypted with any key in ALONGSIDE_FIELD_KEYS"
        ) from error


class _ExactEmptyOnly(lookups.Exact):
    """``field=""`` works (empty is stored empty); equality with text cannot."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "" and not hasattr(self.rhs, "resolve_expression"):
            raise FieldError(
                f"{self.lhs.output_field.model._meta.label}.{self.lhs.output_field.name} is "
                "encrypted: it can be compared only with '' (or isnull); search it in Python"
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Free text stored as a Fernet token; plain text in Python (see the module)."""

    description = "Text stored encrypted"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_db_prep_save(self, value: Any, connection: Any) -> Any:
        value = super().get_db_prep_save(value, connection)
        if value is None or value == "":
            return value
        return encrypt(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        if lookup_name == "exact":
            return _ExactEmptyOnly
        raise FieldError(
            f"{self.model._meta.label}.{self.name} is encrypted: the database cannot "
            f"'{lookup_name}' it; search it in Python"
        )

    def get_transform(self, lookup_name: str) -> Any:
        return None


def stored(name: str) -> models.ExpressionWrapper:
    """The column as stored (the token), for code that copies ciphertext as it is:
    backup, restore and key rotation."""
    return models.ExpressionWrapper(models.F(name), output_field=models.TextField())


def encrypted_fields() -> Iterator[tuple[type[models.Model], EncryptedTextField]]:
    """Every encrypted column of every installed model."""
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


def _plain_to_tokens(
    apps_: Any, schema_editor: Any, targets: list[tuple[str, str]], *, back: bool
) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    for label, field_name in targets:
        model = apps_.get_model(label)
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        column = quote(model._meta.get_field(field_name).column)
        select = (
            f"SELECT {pk}, {column} FROM {table} WHERE {pk} > %s AND {column} <> '' "  # noqa: S608
            f"ORDER BY {pk} LIMIT 500"
        )
        update = f"UPDATE {table} SET {column} = %s WHERE {pk} = %s"  # noqa: S608
        last: Any = None
        with connection.cursor() as cursor:
            while True:
                cursor.execute(select, [last if last is not None else -1])
                rows = cursor.fetchall()
                if not rows:
                    break
                changes = []
                for row_pk, value in rows:
                    if back:
                        if is_token(value):
                            changes.append((decrypt(value), row_pk))
                    elif not is_token(value):
                        changes.append((encrypt(value), row_pk))
                if changes:
                    cursor.executemany(update, changes)
                last = rows[-1][0]


def encrypt_existing_rows(*targets: tuple[str, str]) -> Any:
    """A ``RunPython`` pair for a data migration: encrypt the plain text already in
    ``targets`` (``("app.model", "field")``), and decrypt it again when migrating back.
    Reads and writes the columns directly, so it runs whatever the historical field is."""
    from django.db import migrations

    def forwards(apps_: Any, schema_editor: Any) -> None:
        _plain_to_tokens(apps_, schema_editor, list(targets), back=False)

    def backwards(apps_: Any, schema_editor: Any) -> None:
        _plain_to_tokens(apps_, schema_editor, list(targets), back=True)

    return migrations.RunPython(forwards, backwards)
