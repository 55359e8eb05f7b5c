"""``{% acting_for as grant %}``: the grant a representative acts under on this page."""

from __future__ import annotations

from typing import Any

from django import template

from amtsbote.cases.access import representations_of

from ..views.representation import acting_for as _acting_for

register = template.Library()


@register.simple_tag(takes_context=True)
def acting_for(context: dict[str, Any]) -> Any:
    request = context.get("request")
    return _acting_for(request) if request is not None else None


@register.simple_tag(takes_context=True)
def grants_held(context: dict[str, Any]) -> list[Any]:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return list(representations_of(request.user))
