"""The generated OpenAPI schema: the API key as bearer scheme, the one error shape on every
operation (``openapi.yaml`` at the root of the repository; docs/api.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

# Answers every operation may give, beside its success.
ERROR_CODES = {
    "400": "Invalid input (the fields say which).",
    "401": "No valid API key.",
    "403": "The client lacks the scope this operation needs.",
    "404": "No such object in the client's jobcenter.",
    "406": "The Accept header asks for something this operation does not give.",
    "429": "Too many requests: wait for Retry-After seconds.",
}
BODY_ERROR_CODES = {"415": "The body is not of a media type this operation takes."}
UPLOAD_ERROR_CODES = {"503": "The virus scanner does not answer: try again later."}


class ApiKeyScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "amtsbote.api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key of the client: `Authorization: Bearer amtsbote_…`.",
        }


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        from .serializers import ErrorSerializer

        responses = super()._get_response_bodies(direction)
        codes = dict(ERROR_CODES)
        if self.method in ("POST", "PATCH", "PUT"):
            codes |= BODY_ERROR_CODES
            if any("multipart" in parser.media_type for parser in self.view.get_parsers()):
                codes |= UPLOAD_ERROR_CODES
        for code, description in codes.items():
            if code not in responses:
                response = self._get_response_for_code(
                    ErrorSerializer, code, ["application/json"], direction
                )
                responses[code] = {**response, "description": description}
        return responses
