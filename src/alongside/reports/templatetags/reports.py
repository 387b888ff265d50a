from __future__ import annotations

from typing import Any

from django import template

from alongside.reports import figures

register = template.Library()


@register.filter
def bucket_rows(section: list[Any]) -> list[Any]:
    """One row per bucket of a timeliness measure, with each column's count."""
    return figures.bucket_rows(section)
