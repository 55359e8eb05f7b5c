"""What every API view shares: the client, input checking, the upload path."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request

from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.documents import processing
from amtsbote.integrations.models import ApiClient

from ..authentication import client_of


class ApiView(GenericAPIView):
    """Every view names the scope each method needs; objects come from ``access``."""

    required_scopes: dict[str, str] = {}

    @property
    def client(self) -> ApiClient:
        return client_of(self.request)


def valid_data(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request's body checked by ``serializer_class``; 400 with the fields otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ScanUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "scan_unavailable"


def upload_refused(field: str, exc: UnsupportedUpload) -> exceptions.APIException:
    """The API error for a refused file: 503 when the virus scanner does not answer (try
    again later), else 400 naming ``field``."""
    if exc.code == "scan_unavailable":
        return ScanUnavailable(exc.message)
    return exceptions.ValidationError({field: [exc.message]}, code=exc.code)


def read_upload(uploaded: UploadedFile) -> tuple[str, bytes]:
    """Name and content of an uploaded file; refuses an empty or too large one unread."""
    name = uploaded.name or "file"
    processing.check_size(name, uploaded.size or 0)
    return name, uploaded.read()


def checked_upload(field: str, uploaded: UploadedFile) -> processing.Checked:
    """A file from a client, through the same checks as every upload: size, virus scan,
    accepted kinds, cleaning (``processing.check_file``). A refusal names ``field``."""
    try:
        return processing.check_file(*read_upload(uploaded))
    except UnsupportedUpload as exc:
        raise upload_refused(field, exc) from exc
