"""Scopes: every view names the scope each HTTP method needs (``required_scopes``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from amtsbote.integrations.models import ApiKey


class HasScope(permissions.BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        if not isinstance(request.auth, ApiKey):
            raise exceptions.NotAuthenticated()
        method = "GET" if request.method == "HEAD" else request.method
        required: dict[str, str] = getattr(view, "required_scopes", {})
        scope = required.get(method or "")
        if scope is None:
            # A method the view does not answer gets its 405; one it answers needs a scope.
            return method == "OPTIONS" or not hasattr(view, (method or "").lower())
        if not request.auth.client.has_scope(scope):
            raise exceptions.PermissionDenied(
                _("This API client lacks the scope %(scope)s.") % {"scope": scope}
            )
        return True
