"""How report figures read: fractions as percentages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def percent(fraction: float | None, signed: bool = False) -> str:
    """0.0567 → "5.7 %" (with `signed`, "+5.7 %"); None → "—"."""
    if fraction is None:
        return "—"
    return f"{fraction * 100:{'+' if signed else ''}.1f} %"
