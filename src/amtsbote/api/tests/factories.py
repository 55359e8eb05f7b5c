"""API clients with a key, made through the real services."""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.test import APIClient

from amtsbote.integrations.constants import Scope
from amtsbote.integrations.models import ApiClient
from amtsbote.integrations.services import api_client_create, api_key_issue

ALL_SCOPES: tuple[str, ...] = tuple(Scope.values)


def api_client_with_key(
    jobcenter, *, scopes: Iterable[str] = ALL_SCOPES, name: str = "Fachverfahren", teams=None
) -> tuple[ApiClient, str]:
    client = api_client_create(jobcenter=jobcenter, name=name, scopes=scopes, teams=teams)
    _row, key = api_key_issue(client=client, label="test")
    return client, key


def http(key: str | None = None) -> APIClient:
    """A DRF test client sending ``Authorization: Bearer <key>``."""
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client
