"""Desk URLs for intake (included by desk/urls.py): Posteingang and the triage queue."""

from django.urls import URLPattern, path

from .views import intake, triage

urlpatterns: list[URLPattern] = [
    path("intake/", intake.intake, name="intake"),
    path("intake/batches/", intake.intake_batches, name="intake_batches"),
    path(
        "intake/batches/<uuid:batch_uuid>/check/",
        intake.intake_batch_check,
        name="intake_batch_check",
    ),
    path("triage/", triage.triage, name="triage"),
    path("triage/<uuid:intake_uuid>/", triage.triage_item, name="triage_item"),
    path("triage/<uuid:intake_uuid>/cases/", triage.triage_case_search, name="triage_cases"),
    path(
        "triage/<uuid:intake_uuid>/pages/<int:index>.jpg",
        intake.intake_page,
        name="intake_page",
    ),
    path("triage/<uuid:intake_uuid>/assign/", triage.triage_assign, name="triage_assign"),
    path("triage/<uuid:intake_uuid>/type/", triage.triage_set_type, name="triage_set_type"),
    path("triage/<uuid:intake_uuid>/rotate/", triage.triage_rotate, name="triage_rotate"),
    path("triage/<uuid:intake_uuid>/split/", triage.triage_split, name="triage_split"),
    path("triage/<uuid:intake_uuid>/merge/", triage.triage_merge, name="triage_merge"),
    path("triage/<uuid:intake_uuid>/discard/", triage.triage_discard, name="triage_discard"),
]
