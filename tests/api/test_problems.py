"""Point 10 of issue 9: every API error is one RFC 9457 problem shape, an oversized body
answers JSON 413, and the schema declares the problems for every operation."""

from __future__ import annotations

import json
import logging

import pytest
from django.test import Client
from django.urls import reverse

from alongside.contacts.models import Contact
from tests.contacts.factories import home_active_match

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def _is_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    return body


def test_probe_10_oversized_body_answers_json_413(world, settings, caplog) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    match = home_active_match(world)
    body = json.dumps({"mode": "phone", "duration_minutes": 15, "reflection": "x" * 5000})
    with caplog.at_level(logging.INFO):
        response = Client().post(
            reverse("api:contacts_log", kwargs={"match_id": match.pk}),
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {world.token_for('mentor')}"},
        )
    problem = _is_problem(response, 413)
    assert "larger than the limit" in problem["detail"]
    assert b"<html" not in response.content.lower()
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
    assert Contact.objects.count() == 0


def test_missing_token_is_a_401_problem() -> None:
    response = Client().get("/api/v1/me")
    _is_problem(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


def test_out_of_scope_is_a_404_problem(world) -> None:
    response = Client().get(
        "/api/v1/patients/999999", headers={"Authorization": f"Bearer {world.token_for('admin')}"}
    )
    _is_problem(response, 404)


def test_malformed_body_is_a_422_problem_naming_the_field(world) -> None:
    response = Client().post(
        reverse("api:contacts_log", kwargs={"match_id": home_active_match(world).pk}),
        data=json.dumps({"mode": "phone", "duration_minutes": "long"}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for('mentor')}"},
    )
    problem = _is_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["duration_minutes"]


def test_a_broken_rule_is_a_422_problem_naming_the_field(world) -> None:
    response = Client().post(
        reverse("api:contacts_log", kwargs={"match_id": home_active_match(world).pk}),
        data=json.dumps({"mode": "phone", "duration_minutes": 0}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {world.token_for('mentor')}"},
    )
    problem = _is_problem(response, 422)
    assert [e["field"] for e in problem["errors"]] == ["duration_minutes"]
    assert "between 1 minute" in problem["errors"][0]["message"]


def test_openapi_declares_one_problem_schema_for_every_operation() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    problem = schema["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= set(problem["properties"])
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 15
    for path, method, operation in operations:
        codes = {"401", "404", "422"} | ({"413"} if method in {"post", "put", "patch"} else set())
        for code in codes:
            response = operation["responses"].get(code)
            assert response, f"{method.upper()} {path} does not declare {code}"
            assert response["content"] == {
                PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
            }, f"{method.upper()} {path} {code}"
        # Any other error it declares (a 409) uses the same schema too.
        for code, response in operation["responses"].items():
            if int(code) >= 400:
                assert list(response["content"]) == [PROBLEM], f"{method.upper()} {path} {code}"
    # No second error schema survives beside it.
    assert not {"ProblemOut", "ErrorOut"} & set(schema["components"]["schemas"])


def test_an_unknown_api_path_is_a_404_problem_not_a_page() -> None:
    response = Client().get("/api/v1/no-such-thing")
    _is_problem(response, 404)
    assert b"<html" not in response.content.lower()


def test_pages_keep_their_html_error_pages() -> None:
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("bad", ["TR\x00123", "TR\udbcd123"])
def test_text_no_database_can_store_is_refused_not_a_500(world, bad) -> None:
    """PostgreSQL refuses NUL and UTF-8 cannot hold a lone surrogate: both were 500s."""
    import json as json_module

    secret = world.token_for("therapist")
    body = json_module.dumps({"service": "home" + bad, "given_name": "A"})  # \\u escapes
    response = Client().post(
        "/api/v1/patients/referrals",
        body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    # ninja answers any refusal of its body parser as 400 "Cannot parse request body".
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    if "\x00" in bad:  # a URL cannot carry a lone surrogate at all
        listed = Client().get(
            "/api/v1/patients", {"q": bad}, headers={"Authorization": f"Bearer {secret}"}
        )
        assert listed.status_code == 422
