"""The domain's NotFound answers exactly as Http404 does, on pages and in the API,
and no service raises Django's Http404 any more."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path
from ninja import NinjaAPI

import alongside
from alongside.api import problems
from alongside.config import urls as site_urls
from alongside.core import NotFound

pytestmark = pytest.mark.django_db


def _page_http404(request: HttpRequest) -> HttpResponse:
    raise Http404("Not found")


def _page_not_found(request: HttpRequest) -> HttpResponse:
    raise NotFound


api = NinjaAPI(urls_namespace="test-not-found", docs_url=None)
problems.install(api)


@api.get("/http404")
def _api_http404(request: HttpRequest) -> dict[str, str]:
    raise Http404("Not found")


@api.get("/not-found")
def _api_not_found(request: HttpRequest) -> dict[str, str]:
    raise NotFound


urlpatterns = [
    path("page/http404/", _page_http404),
    path("page/not-found/", _page_not_found),
    path("api/test/", api.urls),
    *site_urls.urlpatterns,  # the 404 page links to the site's own pages
]
handler404 = "alongside.config.errors.not_found"


def _same(page: bytes) -> bytes:
    """The page without its per-request CSP nonce and CSRF token."""
    return re.sub(rb"[A-Za-z0-9+/=_-]{24,}", b"", page)


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_raising_not_found_gets_the_same_404_page_as_http404() -> None:
    client = Client()
    django_404 = client.get("/page/http404/")
    domain_404 = client.get("/page/not-found/")
    assert django_404.status_code == domain_404.status_code == 404
    assert _same(domain_404.content) == _same(django_404.content)
    assert b"<html" in domain_404.content.lower()


@override_settings(ROOT_URLCONF=__name__)
def test_the_api_answers_not_found_with_the_same_problem_document() -> None:
    client = Client()
    django_404 = client.get("/api/test/http404")
    domain_404 = client.get("/api/test/not-found")
    assert django_404.status_code == domain_404.status_code == 404
    assert domain_404["Content-Type"] == django_404["Content-Type"] == problems.MEDIA_TYPE
    assert domain_404.json() == django_404.json()
    assert domain_404.json()["status"] == 404


SRC = Path(alongside.__file__).resolve().parent


def _service_and_selector_modules() -> list[Path]:
    modules = []
    for layer in ("services", "selectors"):
        modules += SRC.glob(f"*/{layer}.py")
        modules += SRC.glob(f"*/{layer}/*.py")  # an app whose services became a package
    return sorted(modules)


# Still raising Http404 when NotFound arrived, being edited by their owners at the time;
# each must leave this list when converted (the test fails if a listed file is clean).
NOT_YET_CONVERTED = {
    "privacy/selectors.py",
}


def test_services_and_selectors_raise_not_found_never_http404() -> None:
    offenders = {
        str(module.relative_to(SRC))
        for module in _service_and_selector_modules()
        if re.search(r"\bHttp404\b", module.read_text(encoding="utf-8"))
    }
    assert any(m.name == "services.py" for m in _service_and_selector_modules())
    assert offenders - NOT_YET_CONVERTED == set(), "raise alongside.core.NotFound instead"
    assert NOT_YET_CONVERTED - offenders == set(), "converted: take it off NOT_YET_CONVERTED"
