"""One way to page a list page: in the database, in a stable order, never truncated.

Every list page hands its queryset (already ordered with ``pk`` last, so rows with the
same sort key keep their places between pages) to :func:`page_of` and includes
``_pagination.html``; the links keep the page's filters through ``{% querystring %}``.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

PER_PAGE = 50


def page_of(request: HttpRequest, items: Any, *, per_page: int = PER_PAGE) -> Page:
    """The requested page of ``items`` (a queryset: only that page's rows are fetched).

    A page number past the end or not a number shows the nearest real page rather
    than an error, as a bookmarked link to page 40 of a list that shrank should.
    ``page.links`` is the elided page range the partial shows (1 … 4 5 6 … 40).
    """
    return page_at(items, request.GET.get("page"), per_page=per_page)


def page_at(items: Any, number: Any, *, per_page: int = PER_PAGE) -> Page:
    """As :func:`page_of` for a page number already read (a selector that pages itself)."""
    paginator = Paginator(items, per_page)
    page = paginator.get_page(number)
    page.links = list(  # type: ignore[attr-defined]
        paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    )
    page.ellipsis = Paginator.ELLIPSIS  # type: ignore[attr-defined]
    return page
