"""The generic anonymiser: walk everything a subject owns, scrub identifiers, keep ids.

What a subject owns is read from the model graph, so a new model is covered without
changing this file: every row reached from the subject (and from the subject's user
account) through a foreign key declared ``on_delete=CASCADE`` belongs to it, as the
database itself says (deleting the subject would delete it). A few relations that are
RESTRICT for safety but still the subject's record are named in ``ALSO_OWNED``.

Each owned row is scrubbed field by field, by the field's type:

- free text (``TextField``) becomes ``[erased]``;
- other text without a fixed list of choices (names, e-mail, phone, postcode, hospital
  number, notes) is emptied, or ``[erased]`` when it may not be empty; values under a
  uniqueness rule get the row id so they stay unique;
- text with choices (codes such as status or injury category) and ``KEEP_CODES`` stay:
  they are what aggregate counts are made of;
- JSON keeps numbers, booleans and code-like strings (no spaces, e.g. ``phq9``, ``en``);
  any other string becomes ``[erased]``; a string equal to the person's name too;
- dates of birth become 1 January of the same year; latitude and longitude are removed;
  IP addresses removed; uploaded files deleted; stored blobs emptied;
- ids, foreign keys, numbers, flags, other dates and times are kept.

Encrypted free text (``alongside.field_encryption``) is scrubbed like any ``TextField``
(the ``[erased]`` marker is stored encrypted too) and searched in Python, since the
database holds only its ciphertext.

Then every text and JSON column of every model is searched for the person's
identifiers (full name, e-mail, phone, hospital number, and the free text that was in
their rows), and each occurrence is replaced: that catches copies the walk cannot see
(a notification's text, an old revision). Stored blobs (export and import files) that
contain them, plain or inside a ZIP, are emptied.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, cast

from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from alongside.field_encryption import EncryptedTextField

ERASED = "[erased]"

# Code-like text without declared choices that aggregate reports count by.
KEEP_CODES = frozenset(
    {
        "instrument_id",
        "instrument_version",
        "band",
        "kind",
        "occupation_code",
        "rtw_occupation_code",
        "sci_level",
        "asia_grade",
        "tbi_severity",
        "amputation_site",
        "icd10_modification",
        "receipt_content_type",
        "content_type",
        "scheme",
        "key_id",
        "required_language",
    }
)
LOCATION_FIELDS = frozenset({"latitude", "longitude"})
BIRTH_DATE_FIELDS = frozenset({"date_of_birth"})
# RESTRICT (so a record with history is not deleted by accident) but still the subject's.
ALSO_OWNED = {("patients.patient", "matches.match", "patient")}
# Never walked or swept: the audit trail is redacted by the audit app, keeping its chain.
NOT_TOUCHED_APPS = frozenset({"audit", "contenttypes", "sessions", "privacy"})
CODE_LIKE = re.compile(r"^[A-Za-z0-9_.:/+-]{0,40}$")


@dataclass
class Found:
    """Rows owned by the subject, by model label, and the identifiers seen in them."""

    rows: dict[str, dict[Any, models.Model]] = field(default_factory=lambda: defaultdict(dict))
    identifiers: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def add(self, obj: models.Model) -> bool:
        bucket = self.rows[obj._meta.label_lower]
        if obj.pk in bucket:
            return False
        bucket[obj.pk] = obj
        return True

    def counts(self) -> dict[str, int]:
        return {label: len(rows) for label, rows in sorted(self.rows.items()) if rows}


def _owned_relations(model: type[models.Model]) -> Iterator[models.ForeignObjectRel]:
    # Hidden relations too: a foreign key with related_name="+" still makes an owned row.
    # Auto-created and not concrete: the reverse side of a relation, a ForeignObjectRel.
    relations = cast(
        list[models.ForeignObjectRel],
        [
            f
            for f in model._meta.get_fields(include_hidden=True)
            if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one)
        ],
    )
    for relation in relations:
        remote = relation.related_model
        if remote._meta.app_label in NOT_TOUCHED_APPS:
            continue
        owned = (
            relation.on_delete is models.CASCADE
            or (
                model._meta.label_lower,
                remote._meta.label_lower,
                relation.field.name,
            )
            in ALSO_OWNED
        )
        if owned:
            yield relation


def owned_rows(*roots: models.Model | None) -> Found:
    """Every row reachable from ``roots`` through owning relations (breadth first)."""
    found = Found()
    queue = [root for root in roots if root is not None]
    for root in queue:
        found.add(root)
    while queue:
        obj = queue.pop(0)
        for relation in _owned_relations(type(obj)):
            children = relation.related_model._base_manager.filter(**{relation.field.name: obj.pk})
            for child in children:
                if found.add(child):
                    queue.append(child)
    return found


def _text_fields(model: type[models.Model]) -> Iterator[models.Field[Any, Any]]:
    for f in model._meta.concrete_fields:
        if isinstance(f, (models.CharField, models.TextField, models.JSONField)) and not (
            f.primary_key
        ):
            yield f


def _unique_names(model: type[models.Model]) -> set[str]:
    names = {f.name for f in model._meta.concrete_fields if f.unique}
    for together in model._meta.unique_together:
        names.update(together)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names.update(constraint.fields)
            names.update(_referenced(constraint.expressions))
    return names


def _referenced(expressions: Iterable[Any]) -> set[str]:
    """Field names inside constraint expressions such as ``Lower("hospital_number")``."""
    names: set[str] = set()
    for expression in expressions:
        if isinstance(expression, str):
            names.add(expression)
        elif isinstance(expression, models.F):
            names.add(expression.name)  # type: ignore[attr-defined]  # F.name: not in the stubs
        elif hasattr(expression, "get_source_expressions"):
            names |= _referenced(expression.get_source_expressions())
    return names


def collect_identifiers(found: Found) -> None:
    """What to search the whole database for afterwards: this person's own values."""
    for rows in found.rows.values():
        for obj in rows.values():
            for f in _text_fields(type(obj)):
                value = getattr(obj, f.attname)
                if not isinstance(value, str) or f.choices or f.name in KEEP_CODES:
                    continue
                value = value.strip()
                if isinstance(f, models.EmailField) and value:
                    found.identifiers.add(value)
                elif f.name in {"phone", "hospital_number"} and len(value) >= 4:
                    found.identifiers.add(value)
                elif isinstance(f, models.TextField) and len(value) >= 12:
                    found.identifiers.add(value)
    for label, first, last in (
        ("patients.patient", "given_name", "family_name"),
        ("mentors.mentor", "first_name", "last_name"),
    ):
        for obj in found.rows.get(label, {}).values():
            given, family = getattr(obj, first), getattr(obj, last)
            found.names.update(n for n in (given, family) if n)
            if given and family:
                found.identifiers.add(f"{given} {family}")
    for obj in found.rows.get("accounts.user", {}).values():
        if obj.full_name:  # type: ignore[attr-defined]
            found.identifiers.add(obj.full_name)  # type: ignore[attr-defined]


def _scrub_json(value: Any, names: set[str]) -> Any:
    if isinstance(value, dict):
        return {k: _scrub_json(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, names) for v in value]
    if isinstance(value, str):
        if value.lower() in names or not CODE_LIKE.match(value):
            return ERASED
    return value


def scrubbed_values(obj: models.Model, names: set[str]) -> dict[str, Any]:
    """The new value of every field of ``obj`` that erasure changes."""
    model = type(obj)
    unique = _unique_names(model)
    lowered = {n.lower() for n in names}
    changes: dict[str, Any] = {}
    for f in model._meta.concrete_fields:
        if f.primary_key or f.is_relation:
            continue
        value = getattr(obj, f.attname)
        new = value
        if f.name in BIRTH_DATE_FIELDS and value is not None:
            new = value.replace(month=1, day=1)
        elif f.name in LOCATION_FIELDS or isinstance(f, models.GenericIPAddressField):
            new = None if f.null else value
        elif isinstance(f, models.FileField):
            if value:
                value.delete(save=False)
            new = ""
        elif isinstance(f, models.BinaryField):
            new = b""
        elif isinstance(f, models.JSONField):
            new = _scrub_json(value, lowered)
        elif isinstance(f, (models.CharField, models.TextField)):
            if f.choices or f.name in KEEP_CODES or not value:
                continue
            if f.name in unique:
                new = (
                    f"erased-{obj.pk}@erased.invalid"
                    if isinstance(f, models.EmailField)
                    else f"[erased #{obj.pk}]"
                )
            elif isinstance(f, models.TextField) or not f.blank:
                new = ERASED
            else:
                new = ""
        if new != value:
            changes[f.attname] = new
    return changes


def scrub(found: Found) -> dict[str, int]:
    changed: dict[str, int] = defaultdict(int)
    for label, rows in found.rows.items():
        model = apps.get_model(label)
        for obj in rows.values():
            changes = scrubbed_values(obj, found.names)
            if changes:
                model._base_manager.filter(pk=obj.pk).update(**changes)
                changed[label] += 1
    return dict(changed)


def _searchable_models() -> Iterable[type[models.Model]]:
    for model in apps.get_models():
        if model._meta.app_label not in NOT_TOUCHED_APPS and not model._meta.proxy:
            yield model


def _replace(value: Any, needles: list[str]) -> Any:
    if isinstance(value, str):
        for needle in needles:
            value = re.sub(re.escape(needle), ERASED, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {k: _replace(v, needles) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, needles) for v in value]
    return value


def _blob_mentions(blob: bytes, needles: list[bytes]) -> bool:
    parts = [blob]
    if blob[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(blob)) as archive:
                parts += [archive.read(name) for name in archive.namelist()]
        except (zipfile.BadZipFile, OSError, RuntimeError):
            pass
    return any(needle in part.lower() for part in parts for needle in needles)


def sweep_copies(identifiers: set[str]) -> dict[str, int]:
    """Replace the person's identifiers wherever else they were copied."""
    needles = sorted({i for i in identifiers if len(i.strip()) >= 4}, key=len, reverse=True)
    if not needles:
        return {}
    changed: dict[str, int] = defaultdict(int)
    byte_needles = [n.lower().encode() for n in needles]
    for model in _searchable_models():
        manager = model._base_manager
        for f in model._meta.concrete_fields:
            if isinstance(f, models.BinaryField):
                for pk, blob in manager.exclude(**{f.attname: b""}).values_list("pk", f.attname):
                    if blob and _blob_mentions(bytes(blob), byte_needles):
                        manager.filter(pk=pk).update(**{f.attname: b""})
                        changed[model._meta.label_lower] += 1
                continue
            if not isinstance(f, (models.CharField, models.TextField, models.JSONField)):
                continue
            if isinstance(f, EncryptedTextField):
                # The database sees only ciphertext: search the decrypted text here.
                decrypted_hits = _encrypted_mentions(manager, f, needles)
                for pk, new in decrypted_hits:
                    manager.filter(pk=pk).update(**{f.attname: new})
                changed[model._meta.label_lower] += len(decrypted_hits)
                continue
            as_text = Cast(f.attname, models.TextField())
            query = models.Q()
            for needle in needles:
                query |= models.Q(_privacy_text__icontains=needle)
                if isinstance(f, models.JSONField):
                    # JSON text may escape non-ASCII; the encoded form is searched too.
                    query |= models.Q(_privacy_text__icontains=_json_escaped(needle))
            hits = manager.annotate(_privacy_text=as_text).filter(query)
            for obj in hits.only("pk", f.attname):
                value = getattr(obj, f.attname)
                new = _replace(value, needles)
                if new != value:
                    manager.filter(pk=obj.pk).update(**{f.attname: new})
                    changed[model._meta.label_lower] += 1
    return dict(changed)


def _encrypted_mentions(
    manager: Any, f: models.Field[Any, Any], needles: list[str]
) -> list[tuple[Any, str]]:
    """(pk, text with the needles replaced) for the rows of an encrypted column that
    mention any of them; read in chunks, decrypted one row at a time."""
    lowered = [n.lower() for n in needles]
    hits = []
    rows = manager.exclude(**{f.attname: ""}).values_list("pk", f.attname)
    for pk, value in rows.iterator(chunk_size=2000):
        if value and any(n in value.lower() for n in lowered):
            hits.append((pk, _replace(value, needles)))
    return hits


def _json_escaped(text: str) -> str:
    import json

    return json.dumps(text)[1:-1]
