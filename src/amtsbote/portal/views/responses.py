"""Small helpers shared by the portal views."""

from __future__ import annotations

from django.http import HttpRequest


def wants_json(request: HttpRequest) -> bool:
    """True for the upload script (``X-Requested-With: fetch`` or ``Accept: application/json``)."""
    return request.headers.get("X-Requested-With") == "fetch" or "application/json" in (
        request.headers.get("Accept", "")
    )
