"""Document requests (Mitwirkungsaufforderungen): create one, read how far it got."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from amtsbote.doc_requests.selectors import requests_for_case, with_items
from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.integrations.constants import Scope

from ..access import access_case_for_client, access_doc_request_for_client
from ..serializers import DocRequestCreateSerializer, DocRequestSerializer
from .base import ApiView, valid_data


class CaseRequests(ApiView):
    """The document requests of a case; create one."""

    required_scopes = {"GET": Scope.REQUESTS_READ, "POST": Scope.REQUESTS_WRITE}
    serializer_class = DocRequestSerializer

    @extend_schema(operation_id="requests_list", responses=DocRequestSerializer(many=True))
    def get(self, request: Request, case_uuid: uuid.UUID) -> Response:
        case = access_case_for_client(self.client, case_uuid)
        page = self.paginate_queryset(requests_for_case(case))
        return self.get_paginated_response(DocRequestSerializer(page, many=True).data)

    @extend_schema(
        operation_id="requests_create",
        request=DocRequestCreateSerializer,
        responses={201: DocRequestSerializer},
        description=(
            "Ask the household (or one member) for documents. The deadline defaults to the "
            "jobcenter's usual period; one on a weekend or holiday moves to the next working "
            "day. Members with a portal account are told by e-mail."
        ),
    )
    def post(self, request: Request, case_uuid: uuid.UUID) -> Response:
        client = self.client
        case = access_case_for_client(client, case_uuid)
        data = valid_data(DocRequestCreateSerializer, request)
        teams = case.teams.order_by("name")
        team = teams.filter(name=data["team"]).first() if "team" in data else teams.first()
        if team is None:
            raise exceptions.ValidationError(
                {"team": [_("No team of this name works on the case.")]}
            )
        addressee = None
        if data.get("addressee"):
            addressee = case.people.filter(uuid=data["addressee"]).first()
            if addressee is None:
                raise exceptions.ValidationError(
                    {"addressee": [_("No member of this household has this UUID.")]}
                )
        items = [
            ItemSpec(
                document_type=item.get("document_type"),
                label=item.get("label", ""),
                note=item.get("note", ""),
            )
            for item in data["items"]
        ]
        with transaction.atomic():
            doc_request = doc_request_create(
                case=case,
                team=team,
                created_by=client.user,
                items=items,
                deadline=data.get("deadline"),
                message=data.get("message", ""),
                addressee=addressee,
            )
        doc_request = with_items(type(doc_request).objects.filter(pk=doc_request.pk)).get()
        return Response(DocRequestSerializer(doc_request).data, status=status.HTTP_201_CREATED)


class RequestDetail(ApiView):
    """A document request: its status and that of each item."""

    required_scopes = {"GET": Scope.REQUESTS_READ}
    serializer_class = DocRequestSerializer

    @extend_schema(operation_id="requests_retrieve", responses=DocRequestSerializer)
    def get(self, request: Request, request_uuid: uuid.UUID) -> Response:
        doc_request = access_doc_request_for_client(self.client, request_uuid)
        return Response(DocRequestSerializer(doc_request).data)
