"""Documents of a case: list, metadata, download of the current version, upload."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from amtsbote.core.http import file_response
from amtsbote.core.storage import StoredFiles
from amtsbote.documents.constants import Source
from amtsbote.documents.models import Document, DocumentVersion
from amtsbote.documents.services import document_create, document_record_download
from amtsbote.integrations.constants import Scope

from ..access import access_case_for_client, access_document_for_client
from ..serializers import DocumentSerializer, DocumentUploadSerializer
from .base import ApiView, checked_upload, valid_data


def _with_versions(documents: Any) -> Any:
    return documents.select_related("case", "register", "document_type").prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.order_by("number"))
    )


class CaseDocuments(ApiView):
    """The documents of a case, newest first; upload one."""

    required_scopes = {"GET": Scope.DOCUMENTS_READ, "POST": Scope.DOCUMENTS_WRITE}
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="documents_list", responses=DocumentSerializer(many=True))
    def get(self, request: Request, case_uuid: uuid.UUID) -> Response:
        case = access_case_for_client(self.client, case_uuid)
        documents = _with_versions(Document.objects.filter(case=case)).order_by(
            "-received_at", "-id"
        )
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        operation_id="documents_upload",
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer},
        description=(
            "File one document made of the files sent. Every file goes through the checks "
            "of every upload (virus scan, accepted kinds, cleaning); a refused file refuses "
            "the whole upload and nothing is stored. 503 when the virus scanner does not "
            "answer: try again later."
        ),
    )
    def post(self, request: Request, case_uuid: uuid.UUID) -> Response:
        client = self.client
        case = access_case_for_client(client, case_uuid)
        data = valid_data(DocumentUploadSerializer, request)
        files = [checked_upload("files", uploaded) for uploaded in data["files"]]
        with StoredFiles() as stored, transaction.atomic():
            document = document_create(
                case=case,
                files=files,
                title=data["title"],
                source=Source.API,
                document_type=data.get("document_type"),
                submitted_by=client.user,
                stored=stored,
            )
        document = _with_versions(Document.objects.filter(pk=document.pk)).get()
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetail(ApiView):
    """A document's metadata and its current version."""

    required_scopes = {"GET": Scope.DOCUMENTS_READ}
    serializer_class = DocumentSerializer

    @extend_schema(operation_id="documents_retrieve", responses=DocumentSerializer)
    def get(self, request: Request, document_uuid: uuid.UUID) -> Response:
        with transaction.atomic():
            document = access_document_for_client(self.client, document_uuid)
        document = _with_versions(Document.objects.filter(pk=document.pk)).get()
        return Response(DocumentSerializer(document).data)


class DocumentFile(ApiView):
    """The current version of a document as PDF."""

    required_scopes = {"GET": Scope.DOCUMENTS_READ}
    serializer_class = DocumentSerializer

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The file is PDF whatever the client accepts; errors come as JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="documents_download",
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The current version of the document (PDF)."
            )
        },
    )
    def get(self, request: Request, document_uuid: uuid.UUID) -> Any:
        client = self.client
        with transaction.atomic():
            document = access_document_for_client(client, document_uuid)
            version = document.current_version
            if version is None:
                raise Http404("no version")
            document_record_download(
                document=document, actor=client.user, what=f"version {version.number}"
            )
        return file_response(
            version.file.open("rb"),
            content_type=version.mime_type,
            filename=f"{document.title}.pdf",
        )
