"""Desk URLs of the API clients, for administrators (included by desk/urls.py)."""

from django.urls import URLPattern, path

from .views import api_clients

urlpatterns: list[URLPattern] = [
    path("api-clients/", api_clients.api_client_list, name="api_client_list"),
    path(
        "api-clients/<uuid:api_client_uuid>/",
        api_clients.api_client_detail,
        name="api_client_detail",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/scopes/",
        api_clients.api_client_scopes,
        name="api_client_scopes",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/active/",
        api_clients.api_client_active,
        name="api_client_active",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/keys/",
        api_clients.api_client_key_issue,
        name="api_client_key_issue",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/keys/<uuid:api_key_uuid>/revoke/",
        api_clients.api_client_key_revoke,
        name="api_client_key_revoke",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/webhooks/",
        api_clients.api_client_webhook_add,
        name="api_client_webhook_add",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/webhooks/<uuid:webhook_uuid>/active/",
        api_clients.api_client_webhook_active,
        name="api_client_webhook_active",
    ),
    path(
        "api-clients/<uuid:api_client_uuid>/webhooks/<uuid:webhook_uuid>/remove/",
        api_clients.api_client_webhook_remove,
        name="api_client_webhook_remove",
    ),
]
