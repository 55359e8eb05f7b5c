"""Requests per client (all its keys together), counted in the shared cache."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from amtsbote.integrations.models import ApiKey


class ClientRateThrottle(SimpleRateThrottle):
    scope = "api_client"

    def get_rate(self) -> str | None:
        # Read when the request comes, not at import: AMTSBOTE_API_THROTTLE_RATE.
        return settings.API_THROTTLE_RATE or None

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.client_id}
