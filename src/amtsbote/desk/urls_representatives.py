"""Desk URLs of representatives (included by desk/urls.py)."""

from django.urls import path

from .views import representatives

urlpatterns = [
    path(
        "cases/<uuid:case_uuid>/representatives/",
        representatives.representation_grant,
        name="representation_grant",
    ),
    path(
        "representatives/<uuid:representation_uuid>/revoke/",
        representatives.representation_revoke_view,
        name="representation_revoke",
    ),
]
