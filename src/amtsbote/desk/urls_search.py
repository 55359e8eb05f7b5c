"""Desk URLs for search and document metadata editing (included by desk/urls.py)."""

from django.urls import URLPattern, path

from .views import document_edit, search

urlpatterns: list[URLPattern] = [
    path("search/", search.search, name="search"),
    path(
        "documents/<uuid:document_uuid>/edit/",
        document_edit.document_edit,
        name="document_edit",
    ),
]
