"""Filters for the server-drawn dashboard chart."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def svgnum(value: float | int) -> str:
    """A number for an SVG attribute: a dot as decimal separator in every language."""
    return f"{float(value):.1f}"


@register.filter
def mul(value: float | int, factor: float | int) -> float:
    return float(value) * float(factor)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)
