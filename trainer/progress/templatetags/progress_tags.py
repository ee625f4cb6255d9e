from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def pct(value: int | None) -> str:
    """A whole percentage, or a dash when there is nothing to measure."""
    return "—" if value is None else f"{value}%"


@register.filter
def signed_pct(value: int | None) -> str:
    """Adaptability runs from -100% to +100%, so show the sign."""
    if value is None:
        return "—"
    return f"+{value}%" if value > 0 else f"{value}%".replace("-", "\u2212")
