"""The client's address, the one answer for lockout and for the audit trail.

Behind ``ALONGSIDE_PROXY_COUNT`` reverse proxies, each proxy appends the
address it received the request from to ``X-Forwarded-For``, so the last
``count`` entries were written by our own proxies and the client's address is
the ``count``-th from the right. Anything further left was sent by the client
and is never believed.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "ALONGSIDE_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request did not come through all of them
        # (someone reached the app port directly), so only the socket is known.
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
