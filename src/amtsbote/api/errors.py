"""One error shape for the whole API::

    {"error": {"status": 400, "code": "invalid", "message": "…", "fields": {"bg_number": […]}}}

``fields`` is there for invalid input only. Domain exceptions of the services
(``core.exceptions``) and Django's own (404, a model's ``full_clean``) come out the same way.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from amtsbote.core.exceptions import AmtsboteError, Conflict, PermissionDenied


def _translate(exc: Exception) -> Exception:
    if isinstance(exc, AmtsboteError):
        if isinstance(exc, PermissionDenied):
            return exceptions.PermissionDenied(exc.message, code=exc.code)
        if isinstance(exc, Conflict):
            error = exceptions.APIException(exc.message, code=exc.code)
            error.status_code = status.HTTP_409_CONFLICT
            return error
        return exceptions.ValidationError({"non_field_errors": [exc.message]}, code=exc.code)
    if isinstance(exc, DjangoValidationError):  # a model's full_clean() in a service
        detail = as_serializer_error(exc)
        if NON_FIELD_ERRORS in detail:
            detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        return exceptions.ValidationError(detail)
    if isinstance(exc, Http404):
        return exceptions.NotFound(_("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _first_code(codes: Any) -> str:
    while isinstance(codes, (list, dict)):
        if not codes:
            return "invalid"
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _translate(exc)
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response  # a real error: 500, logged by Django
    error: dict[str, Any] = {"status": response.status_code}
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        error["code"] = _first_code(exc.get_codes()) if detail else "invalid"
        general = detail.get("non_field_errors")
        error["message"] = (
            str(general[0])
            if isinstance(general, list) and general
            else _("The request is not valid: see the fields.")
        )
        error["fields"] = detail
    else:
        error["code"] = _first_code(exc.get_codes())
        error["message"] = str(exc.detail)
    response.data = {"error": error}
    return response
