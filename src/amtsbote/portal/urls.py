from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("language/", views.language, name="language"),
    path("activate/", views.activate, name="activate"),
    path("requests/<uuid:request_uuid>/", views.request_upload, name="request"),
    path("receipts/<uuid:submission_uuid>/", views.receipt, name="receipt"),
    path("receipts/<uuid:submission_uuid>/pdf/", views.receipt_pdf, name="receipt_pdf"),
    path("documents/", views.documents, name="documents"),
    path(
        "documents/<uuid:document_uuid>/thumbnail/",
        views.document_thumbnail,
        name="document_thumbnail",
    ),
]
