"""Every free-text box has a length limit, stated in its form and its API schema
(issue 9, point 9).

Walks every form class of every app and every operation of the API, so a new
box without a limit fails here rather than in a probe.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.db import models

from alongside.api.urls import api
from alongside.patients.models import Patient


def _form_classes() -> Iterator[type[forms.BaseForm]]:
    for app in apps.get_app_configs():
        if not app.name.startswith("alongside."):
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


FORMS = sorted(_form_classes(), key=lambda cls: f"{cls.__module__}.{cls.__name__}")


def _text_fields(form: type[forms.BaseForm]) -> Iterator[tuple[str, forms.CharField]]:
    for name, field in form.base_fields.items():
        if not isinstance(field, forms.CharField):
            continue  # choices, dates, numbers and files are bounded by their type
        if isinstance(field.widget, forms.PasswordInput):
            continue  # passwords: Django's validators and Argon2 own those
        yield name, field


def test_probe_9_the_walk_finds_the_forms() -> None:
    names = {cls.__name__ for cls in FORMS}
    assert {"ReferralForm", "ContactForm", "MentorForm", "PersonInviteForm"} <= names
    assert sum(1 for cls in FORMS for _ in _text_fields(cls)) > 40


@pytest.mark.parametrize("form", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__name__}")
def test_probe_9_every_free_text_field_has_a_limit(form: type[forms.BaseForm]) -> None:
    for name, field in _text_fields(form):
        assert field.max_length, f"{form.__name__}.{name} takes text of any length"
        if not field.widget.is_hidden:
            # The limit is stated on the page: the rendered box carries maxlength.
            assert field.widget_attrs(field.widget).get("maxlength") == str(field.max_length)
    meta = getattr(form, "_meta", None)
    model = getattr(meta, "model", None)
    if model is None:
        return
    # Every model CharField/TextField a ModelForm accepts has a limit of its own.
    for name in form.base_fields:
        try:
            model_field = model._meta.get_field(name)
        except Exception:  # noqa: S112 - a form-only field
            continue
        if isinstance(model_field, models.CharField | models.TextField):
            assert model_field.max_length, f"{model.__name__}.{name} has no max_length"
            formfield = form.base_fields[name]
            if isinstance(formfield, forms.CharField):  # not a ChoiceField over it
                assert formfield.max_length <= model_field.max_length, name


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return components[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _unbounded(schema: dict[str, Any], where: str, components: dict[str, Any]) -> Iterator[str]:
    schema = _resolve(schema, components)
    for part in (*schema.get("anyOf", ()), *schema.get("allOf", ()), *schema.get("oneOf", ())):
        yield from _unbounded(part, where, components)
    kind = schema.get("type")
    if kind == "string" and not {"format", "enum", "const"} & set(schema):
        if "maxLength" not in schema:
            yield where
    elif kind == "array":
        if "maxItems" not in schema:
            yield f"{where} (number of items)"
        yield from _unbounded(schema.get("items", {}), f"{where}[]", components)
    for name, prop in schema.get("properties", {}).items():
        yield from _unbounded(prop, f"{where}.{name}", components)


def test_probe_9_every_api_text_input_has_a_limit() -> None:
    spec = api.get_openapi_schema()
    components = spec["components"]["schemas"]
    unbounded: list[str] = []
    inputs = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                inputs += 1
                where = f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
                unbounded += _unbounded(parameter["schema"], where, components)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                inputs += 1
                unbounded += _unbounded(
                    content["schema"], f"{method.upper()} {path} body", components
                )
    assert inputs > 10
    assert unbounded == []


def test_probe_9_referral_api_limits_are_the_models() -> None:
    referral = api.get_openapi_schema()["components"]["schemas"]["ReferralIn"]["properties"]
    checked = 0
    for name, prop in referral.items():
        if prop.get("type") != "string" or "format" in prop or name == "service":
            continue
        assert prop["maxLength"] == Patient._meta.get_field(name).max_length, name
        checked += 1
    assert checked >= 12
