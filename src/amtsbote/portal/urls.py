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
    path("verify/", views.verify, name="verify"),
    path("documents/", views.documents, name="documents"),
    path("postbox/", views.postbox, name="postbox"),
    path("postbox/<uuid:letter_uuid>/", views.letter, name="letter"),
    path("postbox/<uuid:letter_uuid>/file/", views.letter_file, name="letter_file"),
    path("postbox/<uuid:letter_uuid>/paper/", views.letter_paper, name="letter_paper"),
    path("consents/", views.consents, name="consents"),
    path(
        "documents/<uuid:document_uuid>/thumbnail/",
        views.document_thumbnail,
        name="document_thumbnail",
    ),
]
