"""Meine Unterlagen: what the customer sent, with thumbnails, and their receipts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from amtsbote.core.http import file_response
from amtsbote.doc_requests.selectors import submissions_for_customer
from amtsbote.documents.access import access_document_for_customer
from amtsbote.documents.processing import THUMBNAIL_MIME_TYPE
from amtsbote.documents.selectors import documents_submitted_by

from .http import AuthenticatedRequest


@login_required
def documents(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "portal/documents.html",
        {
            "documents": documents_submitted_by(request.user),
            "receipts": submissions_for_customer(request.user),
        },
    )


@login_required
@cache_control(private=True, max_age=3600)
def document_thumbnail(request: AuthenticatedRequest, document_uuid: str) -> FileResponse:
    document = access_document_for_customer(request.user, document_uuid)
    version = document.current_version
    if version is None or not version.thumbnail:
        raise Http404("no thumbnail")
    return file_response(
        version.thumbnail.open("rb"),
        content_type=THUMBNAIL_MIME_TYPE,
        filename=f"{document.uuid}-thumbnail.jpg",
        inline=True,
    )
