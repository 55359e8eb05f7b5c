"""Mailroom results: the incoming post of the jobcenter, filed or waiting in triage."""

from __future__ import annotations

import uuid

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from amtsbote.intake.constants import IntakeStatus
from amtsbote.integrations.constants import Scope

from ..access import access_intake_document_for_client, intake_documents_for_client
from ..serializers import IntakeDocumentDetailSerializer, IntakeDocumentSerializer
from .base import ApiView


class IntakeFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[IntakeStatus.FILED, IntakeStatus.TRIAGE], required=False
    )
    since = serializers.DateTimeField(required=False)


class IntakeList(ApiView):
    """Incoming post of the jobcenter: filed, or waiting in triage."""

    required_scopes = {"GET": Scope.INTAKE_READ}
    serializer_class = IntakeDocumentSerializer

    @extend_schema(
        operation_id="intake_list",
        parameters=[
            OpenApiParameter(
                "status",
                str,
                enum=[IntakeStatus.FILED.value, IntakeStatus.TRIAGE.value],
                description="Only filed documents, or only those waiting in triage.",
            ),
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                description="Only documents received at or after this time (ISO 8601).",
            ),
        ],
        responses=IntakeDocumentSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = IntakeFilter(data=request.query_params)
        filters.is_valid(raise_exception=True)
        documents = intake_documents_for_client(self.client).order_by("-file__created_at", "-id")
        if status := filters.validated_data.get("status"):
            documents = documents.filter(status=status)
        if since := filters.validated_data.get("since"):
            documents = documents.filter(file__created_at__gte=since)
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(IntakeDocumentSerializer(page, many=True).data)


class IntakeDetail(ApiView):
    """One incoming document with its recognised text."""

    required_scopes = {"GET": Scope.INTAKE_READ}
    serializer_class = IntakeDocumentDetailSerializer

    @extend_schema(operation_id="intake_retrieve", responses=IntakeDocumentDetailSerializer)
    def get(self, request: Request, intake_uuid: uuid.UUID) -> Response:
        with transaction.atomic():
            intake = access_intake_document_for_client(self.client, intake_uuid)
        return Response(IntakeDocumentDetailSerializer(intake).data)
