from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from .views import cases, documents, intake, letters, requests, webhooks

app_name = "api"
urlpatterns = [
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[]),
        name="schema",
    ),
    path("cases/", cases.CaseList.as_view(), name="cases"),
    path("cases/<uuid:case_uuid>/", cases.CaseDetail.as_view(), name="case"),
    path("cases/<uuid:case_uuid>/persons/", cases.PersonCreate.as_view(), name="case_persons"),
    path("persons/<uuid:person_uuid>/", cases.PersonDetail.as_view(), name="person"),
    path(
        "cases/<uuid:case_uuid>/documents/",
        documents.CaseDocuments.as_view(),
        name="case_documents",
    ),
    path("documents/<uuid:document_uuid>/", documents.DocumentDetail.as_view(), name="document"),
    path(
        "documents/<uuid:document_uuid>/file/",
        documents.DocumentFile.as_view(),
        name="document_file",
    ),
    path("cases/<uuid:case_uuid>/requests/", requests.CaseRequests.as_view(), name="case_requests"),
    path("requests/<uuid:request_uuid>/", requests.RequestDetail.as_view(), name="request"),
    path("cases/<uuid:case_uuid>/letters/", letters.CaseLetters.as_view(), name="case_letters"),
    path("letters/<uuid:letter_uuid>/", letters.LetterDetail.as_view(), name="letter"),
    path("intake/", intake.IntakeList.as_view(), name="intake"),
    path("intake/<uuid:intake_uuid>/", intake.IntakeDetail.as_view(), name="intake_document"),
    path("webhooks/", webhooks.WebhookList.as_view(), name="webhooks"),
    path("webhooks/deliveries/", webhooks.DeliveryLog.as_view(), name="webhook_deliveries"),
]
