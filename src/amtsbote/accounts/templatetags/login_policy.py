"""``{% second_factor_status as status %}``: what the login rules ask of the signed-in user."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from amtsbote.accounts import login_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def second_factor_status(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"required": False, "strong": False, "staff": False}
    return {
        "required": settings.STAFF_SECOND_FACTOR_REQUIRED and login_policy.needs_strong_login(user),
        "strong": login_policy.session_is_strong(request, user),
        "staff": getattr(user, "is_jobcenter_staff", False),
    }
