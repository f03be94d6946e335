"""The charts' CSS lives in static/charts.css (the content security policy refuses inline styles)."""

from __future__ import annotations

import re
from pathlib import Path

from analytics import charts
from analytics.figures import Totals

ROOT = Path(__file__).resolve().parents[2]


def test_the_static_stylesheet_is_what_pygal_writes_for_the_charts_style():
    written = (ROOT / charts.STYLESHEET).read_text()

    assert written == charts.stylesheet(), (
        'static/charts.css is out of date: python -c \'import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", '
        '"planner.settings"); django.setup(); from analytics import charts; '
        'open(charts.STYLESHEET, "w").write(charts.stylesheet())\''
    )
    assert ".pygal-chart .color-7" in written and "#chart-" not in written


def test_a_chart_carries_no_inline_style_nor_script():
    svg = charts.platforms(
        [("X", Totals(posts=2, reach=100, engagement=7)), ("Mastodon", Totals(posts=1, reach=50, engagement=3))]
    )

    assert 'class="pygal-chart"' in svg
    assert not re.search(r"<style|<script|\sstyle=", svg)
