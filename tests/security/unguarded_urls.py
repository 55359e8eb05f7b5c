"""The project's URLconf plus two views with a hole, for test_gates: the checker must find
them. They are what the gates exist to prevent: one loads a document by the UUID in the URL
without ``access_document_for_staff`` / ``access_document_for_customer``; the other, a page
without parameters, loads the letter named in its query string without
``access_letter_for_customer``.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from amtsbote.documents.models import Document
from amtsbote.postbox.models import Letter


@login_required
def unguarded_document(request: HttpRequest, document_uuid: uuid.UUID) -> HttpResponse:
    document = Document.objects.get(uuid=document_uuid)  # no access check: the hole
    return HttpResponse(document.title)


@login_required
def unguarded_letter_question(request: HttpRequest) -> HttpResponse:
    subject = ""
    if letter_uuid := request.GET.get("letter"):
        subject = Letter.objects.get(uuid=letter_uuid).subject  # no access check: the hole
    return HttpResponse(f"Question about: {subject}")


urlpatterns = [
    path("", include("amtsbote.urls")),
    path(
        "unguarded/documents/<uuid:document_uuid>/",
        unguarded_document,
        name="unguarded_document",
    ),
    path("unguarded/question/", unguarded_letter_question, name="unguarded_letter_question"),
]
