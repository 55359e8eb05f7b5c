"""Outgoing letters and Bescheide: post one for delivery, read how it was delivered."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.integrations.constants import Scope
from amtsbote.postbox.constants import LetterTemplate
from amtsbote.postbox.models import Letter
from amtsbote.postbox.selectors import letters_for_case, with_details
from amtsbote.postbox.services import LetterSpec, letter_create

from ..access import access_case_for_client, access_letter_for_client
from ..serializers import LetterCreateSerializer, LetterSerializer
from .base import ApiView, read_upload, upload_refused, valid_data


class CaseLetters(ApiView):
    """The outgoing letters of a case; post one for delivery."""

    required_scopes = {"GET": Scope.LETTERS_READ, "POST": Scope.LETTERS_WRITE}
    serializer_class = LetterSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="letters_list", responses=LetterSerializer(many=True))
    def get(self, request: Request, case_uuid: uuid.UUID) -> Response:
        case = access_case_for_client(self.client, case_uuid)
        page = self.paginate_queryset(letters_for_case(case))
        return self.get_paginated_response(LetterSerializer(page, many=True).data)

    @extend_schema(
        operation_id="letters_create",
        request={"multipart/form-data": LetterCreateSerializer},
        responses={201: LetterSerializer},
        description=(
            "File the PDF in the e-file and deliver it: digitally in the portal when the "
            "addressee consented to electronic Bekanntgabe (notified by e-mail), otherwise "
            "on paper through the print queue. The PDF is checked like every upload."
        ),
    )
    def post(self, request: Request, case_uuid: uuid.UUID) -> Response:
        client = self.client
        case = access_case_for_client(client, case_uuid)
        data = valid_data(LetterCreateSerializer, request)
        addressee = case.people.filter(uuid=data["addressee"]).first()
        if addressee is None:
            raise exceptions.ValidationError(
                {"addressee": [_("No member of this household has this UUID.")]}
            )
        try:
            _name, pdf = read_upload(data["file"])
            spec = LetterSpec(
                case=case,
                addressee=addressee,
                kind=data["kind"],
                subject=data["subject"],
                topic=data.get("topic", ""),
                pdf=pdf,
                template=LetterTemplate.UPLOAD,
            )
            # letter_create checks the PDF like every upload (virus scan, cleaning).
            with transaction.atomic():
                letter = letter_create(spec=spec, created_by=client.user)
        except UnsupportedUpload as exc:
            raise upload_refused("file", exc) from exc
        letter = with_details(Letter.objects.filter(pk=letter.pk)).get()
        return Response(LetterSerializer(letter).data, status=status.HTTP_201_CREATED)


class LetterDetail(ApiView):
    """An outgoing letter and the evidence of its delivery."""

    required_scopes = {"GET": Scope.LETTERS_READ}
    serializer_class = LetterSerializer

    @extend_schema(
        operation_id="letters_retrieve",
        responses=LetterSerializer,
        description=(
            "How the letter was delivered: channel, status, when the notification was sent, "
            "first retrieval, Bekanntgabe and, for a Bescheid, the Widerspruch deadline."
        ),
    )
    def get(self, request: Request, letter_uuid: uuid.UUID) -> Response:
        letter = access_letter_for_client(self.client, letter_uuid)
        return Response(LetterSerializer(letter).data)
