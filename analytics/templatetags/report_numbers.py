"""How report figures read: large numbers in words, fractions as percentages."""

from __future__ import annotations

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma, intword

register = template.Library()

# intword leaves smaller numbers as bare digits ("9655"); below this they read better with separators.
IN_WORDS_FROM = 1_000_000


@register.filter
def figure(value: int) -> str:
    """2_360_000 → "2.4 million"; 9655 → "9,655"."""
    return intword(value) if value >= IN_WORDS_FROM else intcomma(value)


@register.filter
def percent(fraction: float | None, signed: bool = False) -> str:
    """0.0567 → "5.7 %" (with `signed`, "+5.7 %"); None → "—"."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:{'+' if signed else ''}.1f} %"
