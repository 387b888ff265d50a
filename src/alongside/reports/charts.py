"""Charts drawn by pygal (server-side SVG), shared by the outcomes and reports pages.

A chart is its own SVG resource shown with ``<img alt=…>``: an SVG loaded as an
image never runs script, so its response may allow the inline styles pygal
writes (``image_policy``) while every page keeps the strict policy. Each chart
on a page has a data table beside it with the same numbers, for screen
readers, keyboard users and print. One way to draw: ``chart()`` sets the style,
size and the no-script options; callers add series.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

import pygal
from csp.constants import NONE, UNSAFE_INLINE
from csp.decorators import csp
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from pygal.style import Style

from alongside.core.survival import SurvivalCurve

# High-contrast colours that stay distinct in greyscale print (first: this period or
# service; second: the one compared with; the rest for bands and extra series).
COLOURS = ("#1d70b8", "#d4351c", "#505a5f", "#00703c", "#6f72af", "#b58840")
CHART_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=COLOURS,
    font_family="system-ui, sans-serif",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    legend_font_size=14,
    value_font_size=13,
)
WIDTH, HEIGHT = 800, 440


@dataclass(frozen=True)
class KmRow:
    day: int
    at_risk: int
    returned: int
    still_off_percent: float
    lower_percent: float
    upper_percent: float


def km_table(curve: SurvivalCurve | None) -> list[KmRow]:
    """The curve's steps as table rows: the chart's text alternative."""
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


def chart(kind: type[Any], *, title: str, x_title: str = "", y_title: str = "", **options: Any):  # type: ignore[no-untyped-def]
    """A pygal chart of ``kind`` (pygal.Bar, pygal.XY, …) drawn the house way."""
    defaults: dict[str, Any] = {
        "style": CHART_STYLE,
        "js": [],  # shown as an image: no script, no tooltips
        "disable_xml_declaration": True,
        "dynamic_print_values": False,
        "legend_at_bottom": True,
        "width": WIDTH,
        "height": HEIGHT,
        "no_data_text": "No records in this period",
        "title": title,
        "x_title": x_title,
        "y_title": y_title,
    }
    defaults.update(options)
    return kind(**defaults)


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)


def render(drawn: Any) -> str:
    """The SVG text without pygal's inline configuration script (it only feeds
    tooltips, which an image never shows): no script is sent at all."""
    return _SCRIPT.sub("", str(drawn.render(is_unicode=True)))


def steps(times: Sequence[float], values: Sequence[float]) -> list[tuple[float, float]]:
    """The corner points of a right-continuous step function, for an XY line."""
    points = [(times[0], values[0])]
    for i in range(1, len(times)):
        points += [(times[i], values[i - 1]), (times[i], values[i])]
    return points


def km_chart(
    curves: Sequence[tuple[str, SurvivalCurve | None]], *, title: str, band: bool = True
) -> str:
    """Kaplan–Meier curves (percent still off work by days since injury), one per label."""
    drawn = chart(
        pygal.XY,
        title=title,
        x_title="Days since injury",
        y_title="Still off work (%)",
        show_dots=False,
        range=(0, 100),
        include_x_axis=True,
        height=480,
    )
    drawn.no_data_text = "No return to work recorded yet"
    dashed = {"dasharray": "6,4", "width": 1}
    for label, curve in curves:
        if curve is None or len(curve.times) <= 1:
            continue
        times = [float(t) for t in curve.times]
        drawn.add(label, steps(times, [100 * float(s) for s in curve.survival]))
        if band:
            drawn.add(
                f"{label}: 95 % interval",
                steps(times, [100 * float(s) for s in curve.lower]),
                stroke_style=dashed,
            )
            drawn.add(
                None, steps(times, [100 * float(s) for s in curve.upper]), stroke_style=dashed
            )
    return render(drawn)


def svg_response(svg: str) -> HttpResponse:
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


class _ViewDecorator(Protocol):
    def __call__(self, view: _View, /) -> _View: ...


# The image's own policy (see the module doc): styles only, nothing else, sandboxed.
# django-csp types its decorator for views that take the request alone; it passes every
# argument on, so the decorated view keeps its own signature.
image_policy = cast(
    _ViewDecorator,
    csp({"default-src": [NONE], "style-src": [UNSAFE_INLINE], "sandbox": []}),
)
