"""Desk URLs for archive packages (export, import, imported history); included by desk/urls.py."""

from django.urls import URLPattern, path

from .views import archive

urlpatterns: list[URLPattern] = [
    path("records/archive/", archive.archive_overview, name="archive"),
    path(
        "records/archive/cases/<uuid:case_uuid>/export.zip",
        archive.archive_export,
        name="archive_export",
    ),
    path(
        "records/archive/cases/<uuid:case_uuid>/history/",
        archive.archive_history,
        name="archive_history",
    ),
]
