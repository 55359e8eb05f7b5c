from django.urls import path

from . import (
    urls_api_clients,
    urls_archive,
    urls_intake,
    urls_messaging,
    urls_representatives,
    urls_search,
)
from .views import (
    activation,
    breakglass,
    cases,
    dashboard,
    documents,
    eforms,
    inbox,
    postbox,
    records,
    requests,
)

app_name = "desk"
urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("dashboard/", dashboard.dashboard_view, name="dashboard"),
    path("inbox/items/", inbox.inbox_items, name="inbox_items"),
    path("documents/<uuid:document_uuid>/seen/", inbox.mark_seen, name="mark_seen"),
    path("cases/", cases.case_search, name="case_search"),
    path("cases/<uuid:case_uuid>/", cases.case_detail, name="case_detail"),
    path("documents/<uuid:document_uuid>/", documents.document_detail, name="document_detail"),
    path(
        "documents/<uuid:document_uuid>/originals/<uuid:original_uuid>/",
        documents.original_file,
        name="original_file",
    ),
    path("versions/<uuid:version_uuid>/file/", documents.version_file, name="version_file"),
    path(
        "versions/<uuid:version_uuid>/thumbnail/",
        documents.version_thumbnail,
        name="version_thumbnail",
    ),
    path(
        "versions/<uuid:version_uuid>/pages/<int:number>.jpg",
        documents.version_page,
        name="version_page",
    ),
    path("cases/<uuid:case_uuid>/requests/new/", requests.request_create, name="request_create"),
    path(
        "cases/<uuid:case_uuid>/requests/legal-hint/",
        requests.legal_hint_preview,
        name="legal_hint",
    ),
    path("requests/<uuid:request_uuid>/", requests.request_detail, name="request_detail"),
    path(
        "people/<uuid:person_uuid>/activation/",
        activation.activation_create,
        name="activation_create",
    ),
    path(
        "activation/<uuid:activation_uuid>/letter/",
        activation.activation_letter,
        name="activation_letter",
    ),
    path(
        "activation/<uuid:activation_uuid>/revoke/",
        activation.activation_revoke,
        name="activation_revoke",
    ),
]
urlpatterns += [
    path("cases/<uuid:case_uuid>/letters/", postbox.case_letters, name="case_letters"),
    path("cases/<uuid:case_uuid>/letters/new/", postbox.letter_create_view, name="letter_create"),
    path("letters/<uuid:letter_uuid>/", postbox.letter_detail, name="letter_detail"),
    path("letters/<uuid:letter_uuid>/file/", postbox.letter_file, name="letter_file"),
    path("letters/<uuid:letter_uuid>/dispute/", postbox.letter_dispute, name="letter_dispute"),
    path("letters/<uuid:letter_uuid>/proof.pdf", postbox.letter_proof, name="letter_proof"),
    path("print/", postbox.print_queue_view, name="print_queue"),
    path("print/batch.pdf", postbox.print_batch, name="print_batch"),
    path("print/printed/", postbox.print_mark_printed, name="print_printed"),
    path("print/posted/", postbox.print_mark_posted, name="print_posted"),
]
urlpatterns += [
    path("cases/<uuid:case_uuid>/forms/", eforms.case_forms, name="case_forms"),
    path("forms/<uuid:submission_uuid>/", eforms.form_detail, name="form_detail"),
]
urlpatterns += [
    path(
        "cases/<uuid:case_uuid>/break-glass/",
        breakglass.break_glass_request,
        name="break_glass_request",
    ),
    path("break-glass/", breakglass.break_glass_list, name="break_glass_list"),
]
urlpatterns += urls_search.urlpatterns + urls_intake.urlpatterns
urlpatterns += urls_messaging.urlpatterns
urlpatterns += urls_archive.urlpatterns
urlpatterns += [
    path("records/", records.records_overview, name="records"),
    path(
        "records/proposals/<uuid:proposal_uuid>/decide/",
        records.proposal_decide,
        name="records_decide",
    ),
    path(
        "records/proposals/<uuid:proposal_uuid>/certificate.pdf",
        records.certificate,
        name="records_certificate",
    ),
    path("records/holds/", records.hold_set, name="records_hold_set"),
    path("records/holds/<uuid:hold_uuid>/lift/", records.hold_lift, name="records_hold_lift"),
    path("records/rules/", records.rules, name="records_rules"),
    path("records/rules/<uuid:rule_uuid>/", records.rule_edit, name="records_rule_edit"),
    path(
        "records/rules/<uuid:rule_uuid>/delete/",
        records.rule_delete,
        name="records_rule_delete",
    ),
    path("records/erasure/", records.erasure_list, name="records_erasure"),
    path(
        "records/erasure/cases/<uuid:case_uuid>/",
        records.erasure_new,
        name="records_erasure_new",
    ),
    path("cases/<uuid:case_uuid>/close/", cases.case_close, name="case_close"),
    path("cases/<uuid:case_uuid>/reopen/", cases.case_reopen, name="case_reopen"),
]
urlpatterns += urls_representatives.urlpatterns
urlpatterns += urls_api_clients.urlpatterns
