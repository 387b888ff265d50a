"""The service's return-to-work chart, drawn the one shared way (``alongside.reports.charts``).

A chart is its own SVG resource shown with ``<img alt=…>`` under its own narrow
policy (``image_policy``); the table under it carries the same numbers.
"""

from __future__ import annotations

from alongside.core.survival import SurvivalCurve
from alongside.reports.charts import (
    CHART_STYLE,
    KmRow,
    image_policy,
    km_table,
    svg_response,
)
from alongside.reports.charts import km_chart as _km_chart

__all__ = ["CHART_STYLE", "KmRow", "image_policy", "km_chart", "km_table", "svg_response"]


def km_chart(curve: SurvivalCurve | None, service_name: str) -> str:
    return _km_chart(
        [("Still off work", curve)],
        title=f"Time from injury to first return to work — {service_name}",
    )
