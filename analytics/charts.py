"""The report's charts, drawn on the server as SVG with pygal: no JavaScript, nothing fetched by the browser.

Each chart sits beside a table of the same figures (the accessible reading of it), so the SVG is marked
decorative for screen readers by the template. Fonts: DejaVu Sans first, which covers Arabic.
"""

from __future__ import annotations

import datetime as dt
import html
import re

import pygal
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from pygal.style import Style

from analytics.figures import Totals

FONT = "DejaVu Sans, Noto Sans, Arial, sans-serif"
STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#1a1a1a", foreground_strong="#1a1a1a",
    foreground_subtle="#d8dee4", opacity=".85", opacity_hover="1", font_family=FONT,
    label_font_family=FONT, major_label_font_family=FONT, legend_font_family=FONT, value_font_family=FONT,
    title_font_family=FONT, label_font_size=13, major_label_font_size=13, legend_font_size=14,
    colors=("#1f7a8c", "#d9480f", "#5f3dc4", "#2b8a3e", "#c92a2a", "#e67700", "#1864ab", "#862e9c"),
)  # fmt: skip
# pygal writes a small configuration script for its optional tooltips even with no script to load: dropped,
# since the page loads no chart script and its content security stays script-free.
SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
# The content security policy refuses inline styles: each chart's <style> (the same for every chart, but for
# its own id) is served as static/charts.css instead (`stylesheet()` writes it), and the hidden tooltip's
# style attribute becomes that file's rule.
STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.DOTALL)
HIDDEN_TOOLTIP = ' style="opacity: 0" class="tooltip"'
CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")
STYLESHEET = "static/charts.css"
# pygal writes a colour rule per series drawn (past STYLE's colours, shades of them): the file holds this many.
SERIES_STYLED = 24


def _svg(chart: pygal.graph.graph.Graph) -> SafeString:
    svg = STYLE_ELEMENT.sub("", SCRIPT.sub("", chart.render(is_unicode=True))).replace(
        HIDDEN_TOOLTIP, ' class="tooltip"'
    )
    return mark_safe(svg)  # noqa: S308 (pygal escapes every label)


def stylesheet() -> str:
    """The charts' CSS as pygal writes it for STYLE, for any chart (`.pygal-chart` for its id)."""
    chart = pygal.Bar(**_options())
    for _ in range(SERIES_STYLED):
        chart.add("", [1])
    css = html.unescape(STYLE_ELEMENT.search(chart.render(is_unicode=True)).group(1))
    return (
        "/* Written by analytics.charts.stylesheet() from pygal and the charts' style: do not edit by hand. */\n"
        + CHART_ID.sub(".pygal-chart", css).strip()
        + "\n.pygal-chart .tooltip { opacity: 0; }\n"
    )


def _whole(value: float | tuple | None) -> str:
    """Axis labels and values as whole numbers with separators (an XY chart's values are (x, y) pairs)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(_whole(part) for part in value)
    return "" if value is None else f"{value:,.0f}"


def _options(**extra: object) -> dict[str, object]:
    return {"style": STYLE, "js": [], "disable_xml_declaration": True, "height": 320, "width": 800,
            "margin": 8, "legend_at_bottom": True, "print_values": False, "include_x_axis": True,
            "formatter": _whole, "value_formatter": _whole} | extra  # fmt: skip


def weekly(weeks: list[tuple[dt.date, Totals]]) -> SafeString:
    """Reach (bars) and engagement (line, its own axis) of the posts published each week."""
    chart = pygal.Bar(**_options(x_label_rotation=0, show_minor_x_labels=False, truncate_label=-1))
    chart.x_labels = [formats.date_format(week, "j M") for week, _ in weeks]
    chart.x_labels_major = chart.x_labels[:: max(1, len(weeks) // 8)]
    chart.add(gettext("Reach"), [totals.reach for _, totals in weeks])
    chart.add(gettext("Engagement"), [totals.engagement for _, totals in weeks], secondary=True)
    return _svg(chart)


def cumulative(weeks: list[tuple[dt.date, Totals]]) -> SafeString:
    """Reach added up week after week: the campaign's curve."""
    chart = pygal.Line(**_options(fill=True, show_dots=False, show_minor_x_labels=False, truncate_label=-1))
    chart.x_labels = [formats.date_format(week, "j M") for week, _ in weeks]
    chart.x_labels_major = chart.x_labels[:: max(1, len(weeks) // 8)]
    running, points = 0, []
    for _, totals in weeks:
        running += totals.reach
        points.append(running)
    chart.add(gettext("Reach so far"), points)
    return _svg(chart)


def platforms(rows: list[tuple[str, Totals]]) -> SafeString:
    """Engagement per post on each platform, side by side."""
    chart = pygal.HorizontalBar(**_options(show_legend=False, height=60 + 36 * max(len(rows), 1)))
    chart.x_labels = [label for label, _ in rows]
    chart.add(gettext("Engagement per post"), [round(totals.per_post, 1) for _, totals in rows])
    return _svg(chart)


def shares(rows: list[tuple[str, int]]) -> SafeString:
    """A donut of how the posts divide (by kind, by language)."""
    chart = pygal.Pie(**_options(inner_radius=0.55, height=260, width=420, legend_at_bottom=False))
    for label, count in rows:
        chart.add(label, count)
    return _svg(chart)


def growth(series: list) -> SafeString:
    """Each post's engagement against the days since it was published: how it grew, then settled."""
    chart = pygal.XY(**_options(stroke=True, show_dots=True, dots_size=3, x_title=gettext("days after publishing"),
                                 y_title=gettext("engagement"), height=300))  # fmt: skip
    for one in series:
        start = one.published_at
        points = [((m.collected_at - start).total_seconds() / 86400, one.engagement(m)) for m in one.points]
        chart.add(one.label, [(round(x, 2), y) for x, y in points])
    return _svg(chart)
