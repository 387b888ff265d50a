"""Every HTML response carries the strict Content-Security-Policy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_access_matrix import ROWS

pytestmark = pytest.mark.django_db


def assert_strict_csp(header: str) -> None:
    directives = dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header
    assert "http" not in header and "*" not in header, "no other hosts may be allowed"
    for name in ("default-src", "script-src", "style-src"):
        assert directives[name] == "'self'", name
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


@pytest.mark.parametrize("persona", ["anonymous", "admin", "therapist", "mentor", "patient"])
def test_every_html_page_has_the_strict_csp(world, persona: str) -> None:
    client = world.client_for(persona)
    checked = 0
    for name, row in ROWS.items():
        if row.api or row.method != "get":
            continue
        response = client.get(reverse(name, kwargs=row.kwargs(world)), follow=True)
        if response["Content-Type"].startswith("text/html"):
            assert_strict_csp(response["Content-Security-Policy"])
            checked += 1
    assert checked >= 5


def test_error_pages_are_plain_words_with_the_csp(world) -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "could not find that page" in response.content.decode()
    assert_strict_csp(response["Content-Security-Policy"])


def test_a_stale_form_gets_a_plain_403_and_writes_nothing(world) -> None:
    from alongside.accounts.models import ApiToken
    from tests.personas import sign_in

    client = Client(enforce_csrf_checks=True)
    sign_in(client, world.people["mentor"])
    response = client.post(reverse("accounts:tokens"), {"name": "sneaky"})
    assert response.status_code == 403
    assert "This form had expired" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_security_headers(world) -> None:
    response = world.client_for("therapist").get(reverse("accounts:home"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Request-ID"]


def assert_common_headers(response) -> None:
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert_strict_csp(response["Content-Security-Policy"])


def test_probe_12_static_files_carry_the_same_security_headers(world) -> None:
    response = Client().get("/static/alongside/site.css")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/css")
    assert_common_headers(response)


def test_probe_12_permissions_policy_on_pages_errors_and_the_api(world) -> None:
    therapist = world.client_for("therapist")
    assert_common_headers(therapist.get(reverse("accounts:home")))
    assert_common_headers(Client().get("/no/such/page/"))
    api = Client().get("/api/v1/me")
    assert api.status_code == 401 and "camera=()" in api["Permissions-Policy"]
