from __future__ import annotations

from typing import Any

from django import template

from alongside.reports import figures

register = template.Library()


@register.filter
def bucket_rows(section: list[Any]) -> list[Any]:
    """One row per bucket of a timeliness measure, with each column's count."""
    return figures.bucket_rows(section)


@register.inclusion_tag("reports/_list_downloads.html", takes_context=True)
def list_downloads(context: dict[str, Any], kind: str, count: int, **path: str) -> dict[str, Any]:
    """Download links of a list page for its current filters; a long list offers a
    background job instead (reports.lists). ``path``: the kind's values from the URL."""
    from django.utils.http import urlencode

    from alongside.reports import lists

    request = context["request"]
    query = {**lists.filter_query(request.GET), **path}
    return {
        "request": request,
        "kind": lists.LISTS[kind],
        "count": count,
        "background": count > lists.background_threshold(),
        "query_string": urlencode(query),
    }
