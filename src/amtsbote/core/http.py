"""Responses that hand a stored or generated file to a browser.

Every such response goes through :func:`file_response`: it names the file
(``Content-Disposition``, inline or as an attachment, with a cleaned name), forbids content
sniffing (``nosniff``) and sandboxes whatever the browser makes of the file with its own
``Content-Security-Policy`` (no scripts, no plugins, no requests, no forms, an opaque origin).
A file uploaded by a customer is hostile until proven otherwise; this is the last line of
defence should a check before it have missed something (docs/security.md, "Headers").
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath
from typing import IO, overload

from django.core.files import File
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

# Chromium's PDF viewer still shows a PDF inline under this policy (tests/e2e/test_csp.py);
# the inline styles are leeway for a viewer's wrapper page, which is all a file may have.
FILE_CONTENT_SECURITY_POLICY = (
    "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
)


def disposition_filename(name: str, *, default: str = "file") -> str:
    """A file name safe for a ``Content-Disposition`` header: no path, no control, format
    (bidi overrides, zero-width) or line-separator characters, no leading dot."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = "".join(
        c for c in name if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
    )
    name = PurePosixPath(name.replace("\\", "/")).name.strip(" .")
    return name or default


@overload
def file_response(
    content: bytes, *, content_type: str, filename: str, inline: bool = False
) -> HttpResponse: ...
@overload
def file_response(
    content: IO[bytes] | File, *, content_type: str, filename: str, inline: bool = False
) -> FileResponse: ...
def file_response(
    content: bytes | IO[bytes] | File, *, content_type: str, filename: str, inline: bool = False
) -> HttpResponse | FileResponse:
    """A file for the browser: bytes or an open binary file (streamed, closed when sent).

    ``inline`` lets the browser show it (PDFs and pictures in a tab), otherwise it is
    downloaded. The name is cleaned here, whatever the caller did before.
    """
    response: HttpResponse | FileResponse
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    name = disposition_filename(filename)  # never empty, so the header is never None
    response["Content-Disposition"] = content_disposition_header(not inline, name) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CONTENT_SECURITY_POLICY
    return response
