"""Adds the unread count to the Notifications link of the main navigation.

Runs after ``accounts.context_processors.navigation`` and rewrites its
``nav_links`` lazily: the count query runs only when a full page renders the
navigation, never for htmx fragments.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import SimpleLazyObject


def unread_notifications(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def links() -> list[dict[str, Any]]:
        from alongside.accounts.context_processors import navigation
        from alongside.notifications.selectors import unread_count

        found = navigation(request)["nav_links"]
        url = reverse("notifications:list")
        count = unread_count(user)
        if count:
            for link in found:
                if link["url"] == url:
                    link["label"] = f"Notifications ({count} unread)"
                    link["unread"] = count  # the phone's Menu button shows it too
        return found

    return {"nav_links": SimpleLazyObject(links)}
