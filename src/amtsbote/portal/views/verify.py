"""Beleg prüfen: anyone (customer, court, staff) checks whether a receipt PDF is genuine.

Public, no login. The uploaded file is kept in memory only, never written to disk or stored:
an upload handler of our own replaces Django's, which would spill big files to a temporary
file. CSRF is checked after the handlers are swapped (Django's documented pattern).
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from amtsbote.core.sealing import verify_pdf

MAX_BYTES = 10 * 1024 * 1024
FIELD = "file"


class _InMemoryLimited(FileUploadHandler):
    """Collect the one PDF in memory; give up (nothing kept) beyond ``MAX_BYTES``."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.chunks: list[bytes] = []
        self.size = 0
        self.too_big = False
        self.data: bytes | None = None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.field_name != FIELD or self.data is not None:
            return None  # only the first file in the one field
        self.size += len(raw_data)
        if self.size > MAX_BYTES:
            self.too_big = True
            self.chunks.clear()
            raise StopUpload(connection_reset=False)  # read on, discard, answer
        self.chunks.append(raw_data)
        return None

    def file_complete(self, file_size: int) -> None:
        if self.field_name == FIELD and self.data is None:
            self.data = b"".join(self.chunks)
            self.chunks.clear()
        return None


@never_cache
@csrf_exempt
def verify(request: HttpRequest) -> HttpResponse:
    handler = _InMemoryLimited(request)
    if request.method == "POST":
        request.upload_handlers = [handler]
    return _verify(request, handler)


@csrf_protect
def _verify(request: HttpRequest, handler: _InMemoryLimited) -> HttpResponse:
    context: dict[str, Any] = {"max_mb": MAX_BYTES // (1024 * 1024)}
    status = 200
    if request.method == "POST":
        request.POST  # noqa: B018 - parse the upload through our handler now
        if handler.too_big:
            context["error"] = _(
                "The file is larger than %(max_mb)s MB. Receipts from Amtsbote are much "
                "smaller; please choose the receipt PDF as you downloaded it."
            ) % {"max_mb": context["max_mb"]}
            status = 400
        elif not handler.data:
            context["error"] = _("Please choose a file: the receipt as a PDF.")
            status = 400
        elif not handler.data.lstrip()[:5].startswith(b"%PDF-"):
            context["error"] = _(
                "This is not a PDF file. Only PDF receipts from Amtsbote can be checked, "
                "as you downloaded them."
            )
            status = 400
        else:
            context["verdict"] = verify_pdf(handler.data)
        handler.data = None
    return render(request, "portal/verify.html", context, status=status)
