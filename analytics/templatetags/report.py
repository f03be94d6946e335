"""Figures as a report prints them: big numbers in words, rates as percentages, shares as CSS lengths."""

from __future__ import annotations

import unicodedata
from typing import Any

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma, intword

register = template.Library()


@register.filter
def big(value: int | None) -> str:
    """12,345 as it is; a million and more in words ("325.1 million")."""
    value = value or 0
    return intword(value) if value >= 1_000_000 else intcomma(value)


@register.filter
def percent(fraction: float | None, signed: bool = False) -> str:
    """0.0567 → "5.7 %" (with `signed`, "+5.7 %"); None → "—"."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:{'+' if signed else ''}.1f} %"


@register.filter
def duration(seconds: int | None) -> str:
    """Watch time as people say it: "40 s", "42 min" under an hour, "4.2 h" under ten, then "1,234 h"."""
    seconds = seconds or 0
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    hours = seconds / 3600
    return f"{hours:.1f} h" if hours < 10 else f"{intcomma(round(hours))} h"


@register.filter
def widthpercent(fraction: float) -> str:
    return f"{max(0.0, min(fraction, 1.0)) * 100:.1f}%"


@register.filter
def share(part: int | None, whole: int) -> str:
    return widthpercent((part or 0) / whole if whole else 0.0)


@register.filter
def get(mapping: dict, key: Any) -> Any:
    return mapping.get(key)


@register.filter
def index(sequence: list | tuple, position: int) -> Any:
    return sequence[position]


@register.filter
def direction(text: str) -> str:
    """ "rtl" or "ltr" from the text's first letter of a strong direction, as the HTML `dir="auto"` rule decides:
    for the PDF, whose renderer (WeasyPrint 70) takes `dir="auto"` as left to right."""
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
