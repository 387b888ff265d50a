"""Charts drawn by pygal (server-side SVG), each with a data table beside it.

A chart is its own SVG resource shown with ``<img alt=…>``: an SVG loaded as an
image never runs script, so its response may allow the inline styles pygal
writes while every page keeps the strict policy. The table under each chart
carries the same numbers for screen readers, keyboard users and print.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygal
from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.http import HttpResponse
from pygal.style import Style

from alongside.core.survival import SurvivalCurve

# High-contrast colours that stay distinct in greyscale print.
CHART_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#1d70b8", "#505a5f", "#505a5f"),
    font_family="system-ui, sans-serif",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
)


@dataclass(frozen=True)
class KmRow:
    day: int
    at_risk: int
    returned: int
    still_off_percent: float
    lower_percent: float
    upper_percent: float


def km_table(curve: SurvivalCurve | None) -> list[KmRow]:
    if curve is None:
        return []
    return [
        KmRow(
            int(curve.times[i]),
            int(curve.at_risk[i]),
            int(curve.events[i]),
            round(100 * float(curve.survival[i]), 1),
            round(100 * float(curve.lower[i]), 1),
            round(100 * float(curve.upper[i]), 1),
        )
        for i in range(1, len(curve.times))
    ]


def _steps(times: list[float], values: list[float]) -> list[tuple[float, float]]:
    points = [(times[0], values[0])]
    for i in range(1, len(times)):
        points += [(times[i], values[i - 1]), (times[i], values[i])]
    return points


def km_chart(curve: SurvivalCurve | None, service_name: str) -> str:
    chart = pygal.XY(
        style=CHART_STYLE,
        js=[],  # shown as an image: no script, no tooltips
        disable_xml_declaration=True,
        show_dots=False,
        dynamic_print_values=False,
        title=f"Time from injury to first return to work — {service_name}",
        x_title="Days since injury",
        y_title="Still off work (%)",
        range=(0, 100),
        include_x_axis=True,
        legend_at_bottom=True,
        width=800,
        height=480,
    )
    if curve is not None and len(curve.times) > 1:
        times = [float(t) for t in curve.times]
        chart.add("Still off work", _steps(times, [100 * float(s) for s in curve.survival]))
        chart.add(
            "95 % interval",
            _steps(times, [100 * float(s) for s in curve.lower]),
            stroke_style={"dasharray": "6,4", "width": 1},
        )
        chart.add(
            None,
            _steps(times, [100 * float(s) for s in curve.upper]),
            stroke_style={"dasharray": "6,4", "width": 1},
        )
    else:
        chart.no_data_text = "No return to work recorded yet"
    return str(chart.render(is_unicode=True))


def svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


# The image's own policy (see the module doc): styles only, nothing else, sandboxed.
image_policy = csp({"default-src": [NONE], "style-src": [UNSAFE_INLINE], "sandbox": []})
