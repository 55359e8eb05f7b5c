"""``Authorization: Bearer <key>``: the request acts as the key's client (its service
account is ``request.user``, the key row is ``request.auth``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from amtsbote.integrations.models import ApiClient, ApiKey
from amtsbote.integrations.services import api_key_authenticate


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiKey] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header is malformed."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The API key is not valid.")) from exc
        row = api_key_authenticate(key)
        if row is None:
            raise exceptions.AuthenticationFailed(_("The API key is not valid."))
        return row.client.user, row

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


def client_of(request: Request) -> ApiClient:
    """The API client of an authenticated request."""
    assert isinstance(request.auth, ApiKey)
    return request.auth.client
