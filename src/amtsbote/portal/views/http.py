"""Request typing and content negotiation shared by the portal views."""

from __future__ import annotations

from django.http import HttpRequest

from amtsbote.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """A request behind ``login_required``: ``user`` is a real account."""

    user: User  # type: ignore[assignment]


def wants_json(request: HttpRequest) -> bool:
    """True for the upload script (``X-Requested-With: fetch`` or ``Accept: application/json``)."""
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in (
        request.headers.get("Accept", "")
    )
