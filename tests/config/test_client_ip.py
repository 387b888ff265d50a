"""One client-IP function for lockout and audit, honouring ALONGSIDE_PROXY_COUNT."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from alongside.audit.models import AuditEvent
from alongside.config.client_ip import client_ip
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
PROXY = "10.0.0.2"  # the reverse proxy nearest the app: the socket address


def _request(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_proxies_the_socket_address_is_the_client(settings) -> None:
    settings.ALONGSIDE_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9", remote="198.51.100.7")) == "198.51.100.7"


def test_probe_8_one_proxy_takes_the_address_it_appended(settings) -> None:
    settings.ALONGSIDE_PROXY_COUNT = 1
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"
    # The client sent its own X-Forwarded-For; the proxy appended the real address.
    assert client_ip(_request("1.2.3.4, 203.0.113.9")) == "203.0.113.9"


def test_probe_8_two_proxies_take_the_second_from_the_right(settings) -> None:
    settings.ALONGSIDE_PROXY_COUNT = 2
    # client -> outer proxy (appends client) -> inner proxy (appends outer) -> app
    assert client_ip(_request("203.0.113.9, 10.0.0.1")) == "203.0.113.9"
    assert client_ip(_request("1.2.3.4, 5.6.7.8, 203.0.113.9, 10.0.0.1")) == "203.0.113.9"


def test_probe_8_too_few_or_garbled_entries_fall_back_to_the_socket(settings) -> None:
    settings.ALONGSIDE_PROXY_COUNT = 2
    assert client_ip(_request("203.0.113.9")) == PROXY  # reached past the outer proxy
    assert client_ip(_request()) == PROXY
    assert client_ip(_request("not-an-address, 10.0.0.1")) == PROXY


@pytest.mark.django_db
def test_probe_8_lockout_and_audit_see_the_client_behind_the_proxy(settings) -> None:
    settings.ALONGSIDE_PROXY_COUNT = 1
    UserFactory(email="m@test.example", password=PASSWORD)
    attacker = Client(REMOTE_ADDR=PROXY)
    for number in range(5):
        # A fresh forged left-hand entry every time cannot buy more guesses.
        attacker.post(
            reverse("accounts:login"),
            {"username": "m@test.example", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.9",
        )
    locked = attacker.post(
        reverse("accounts:login"),
        {"username": "m@test.example", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.9",
    )
    assert locked.status_code == 429
    # Someone else behind the same proxy is not locked out by the attacker.
    colleague = Client(REMOTE_ADDR=PROXY)
    signed_in = colleague.post(
        reverse("accounts:login"),
        {"username": "m@test.example", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.20",
    )
    assert signed_in.status_code == 302
    ips = set(AuditEvent.objects.values_list("ip", flat=True))
    assert ips == {"203.0.113.9", "198.51.100.20"}
