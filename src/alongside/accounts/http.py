"""Typed requests for code that runs only after sign-in.

Django types `request.user` as `User | AnonymousUser`, because a request may come from
anyone. Behind `@login_required` (pages) or the API's bearer token it cannot be
anonymous, so such views annotate their request with one of these classes and pass
`request.user` (or `request.auth`) to selectors and services that take a `User`. They
are annotations only: Django and django-ninja build the request as always.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from alongside.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A page request behind `@login_required`: its user is signed in."""

    user: User
    htmx: HtmxDetails  # set by django_htmx.middleware.HtmxMiddleware


class AuthenticatedApiRequest(HttpRequest):
    """An API request that passed `api.auth.BearerToken`: django-ninja sets `auth` to
    what the authenticator returned, the token's user."""

    auth: User
    user: User
