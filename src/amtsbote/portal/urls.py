from django.urls import include, path

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
    path("accesses/", views.accesses, name="accesses"),
    path("postbox/", views.postbox, name="postbox"),
    path("postbox/<uuid:letter_uuid>/", views.letter, name="letter"),
    path("postbox/<uuid:letter_uuid>/file/", views.letter_file, name="letter_file"),
    path("postbox/<uuid:letter_uuid>/paper/", views.letter_paper, name="letter_paper"),
    path("consents/", views.consents, name="consents"),
    path("messages/", views.messages, name="messages"),
    path("messages/new/", views.thread_new, name="thread_new"),
    path("messages/<uuid:thread_uuid>/", views.thread, name="thread"),
    path("messages/receipts/<uuid:message_uuid>/", views.message_receipt, name="message_receipt"),
    path(
        "messages/receipts/<uuid:message_uuid>/pdf/",
        views.message_receipt_pdf,
        name="message_receipt_pdf",
    ),
    path("forms/", views.forms_index, name="forms"),
    path("forms/sent/<uuid:submission_uuid>/", views.form_receipt, name="form_receipt"),
    path("forms/sent/<uuid:submission_uuid>/pdf/", views.form_receipt_pdf, name="form_receipt_pdf"),
    path("forms/<slug:code>/", views.form_start, name="form_start"),
    path("forms/<slug:code>/summary/", views.form_summary, name="form_summary"),
    path("forms/<slug:code>/discard/", views.form_discard, name="form_discard"),
    path("forms/<slug:code>/<slug:step>/", views.form_step, name="form_step"),
    path("representation/", views.representation, name="representation"),
    path(
        "representation/<uuid:representation_uuid>/revoke/",
        views.representation_revoke_view,
        name="representation_revoke",
    ),
    path("representation/act/", views.acting_switch, name="acting_switch"),
    path(
        "documents/<uuid:document_uuid>/thumbnail/",
        views.document_thumbnail,
        name="document_thumbnail",
    ),
    # Push notifications and devices; the installable app (manifest, service worker);
    # help, accessibility statement and Leichte Sprache pages.
    path("", include("amtsbote.portal.urls_push")),
    path("", include("amtsbote.portal.urls_pwa")),
    path("", include("amtsbote.portal.urls_help")),
]
