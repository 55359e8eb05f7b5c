"""The document viewer and the files behind it (PDF, originals, page images, thumbnail)."""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from amtsbote import audit
from amtsbote.core.http import file_response
from amtsbote.documents.access import access_document_for_staff, access_version_for_staff
from amtsbote.documents.models import DocumentVersion
from amtsbote.documents.processing import THUMBNAIL_MIME_TYPE
from amtsbote.documents.services import (
    document_mark_seen,
    document_record_download,
    page_image,
)

from ..decorators import staff_required

PAGE_WIDTHS = (200, 400, 600, 800, 1000, 1400, 2000)
DEFAULT_PAGE_WIDTH = 1000

R = TypeVar("R", bound=HttpResponseBase)


def _private(response: R, *, max_age: int = 3600) -> R:
    patch_cache_control(response, private=True, max_age=max_age)
    return response


def _page_width(request: HttpRequest) -> int:
    """The requested width, rounded up to one of few sizes so that caches stay useful."""
    try:
        wanted = int(request.GET.get("w", DEFAULT_PAGE_WIDTH))
    except ValueError:
        wanted = DEFAULT_PAGE_WIDTH
    return next((w for w in PAGE_WIDTHS if w >= wanted), PAGE_WIDTHS[-1])


@require_GET
@staff_required
def document_detail(request: HttpRequest, document_uuid: uuid.UUID) -> HttpResponse:
    document = access_document_for_staff(request.user, document_uuid)  # type: ignore[arg-type]
    document_mark_seen(document=document, actor=request.user)  # type: ignore[arg-type]
    versions = list(document.versions.order_by("-number"))
    version = versions[0] if versions else None
    return render(
        request,
        "desk/document_detail.html",
        {
            "document": document,
            "case": document.case,
            "version": version,
            "older_versions": versions[1:],
            "page_numbers": range(1, version.pages + 1) if version else [],
            "originals": list(document.originals.order_by("position")),
            "page_width": DEFAULT_PAGE_WIDTH,
            # A4 proportions reserve the space before an image loads; the image then decides.
            "page_height": round(DEFAULT_PAGE_WIDTH * 297 / 210),
        },
    )


def _record_version_read(request: HttpRequest, version: DocumentVersion, what: str) -> None:
    """A page image or thumbnail is a read of the document's content (§ 67 SGB X).

    Its own action (not ``….view``): the customer's access list shows the document view,
    not every image the viewer loads.
    """
    audit.record(
        "documents.version.image_view",
        actor=request.user,
        subject=version.document,
        jobcenter_id=version.document.case.jobcenter_id,
        case_id=version.document.case_id,
        data={"version": version.number, "what": what},
    )


@require_GET
@staff_required
def version_page(request: HttpRequest, version_uuid: uuid.UUID, number: int) -> HttpResponse:
    version = access_version_for_staff(request.user, version_uuid)  # type: ignore[arg-type]
    _record_version_read(request, version, f"page {number}")
    try:
        data = page_image(version=version, index=number - 1, width=_page_width(request))
    except IndexError as exc:
        raise Http404("no such page") from exc
    name = f"{version.document.uuid}-v{version.number}-{number}.jpg"
    return _private(file_response(data, content_type="image/jpeg", filename=name, inline=True))


@require_GET
@staff_required
def version_thumbnail(request: HttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    version = access_version_for_staff(request.user, version_uuid)  # type: ignore[arg-type]
    _record_version_read(request, version, "thumbnail")
    if not version.thumbnail:
        raise Http404("no thumbnail")
    with version.thumbnail.open("rb") as handle:
        data = handle.read()
    # A version never changes: its thumbnail may stay in the browser's cache.
    response = file_response(
        data,
        content_type=THUMBNAIL_MIME_TYPE,
        filename=f"{version.document.uuid}-v{version.number}-thumbnail.jpg",
        inline=True,
    )
    return _private(response, max_age=86400)


@require_GET
@staff_required
def version_file(request: HttpRequest, version_uuid: uuid.UUID) -> HttpResponseBase:
    version = access_version_for_staff(request.user, version_uuid)  # type: ignore[arg-type]
    document_record_download(
        document=version.document,
        actor=request.user,  # type: ignore[arg-type]
        what=f"version {version.number}",
    )
    filename = f"{version.document.case.bg_number}-{version.document.uuid}-v{version.number}.pdf"
    response = file_response(
        version.file.open("rb"), content_type="application/pdf", filename=filename
    )
    return _private(response, max_age=0)


@require_GET
@staff_required
def original_file(
    request: HttpRequest, document_uuid: uuid.UUID, original_uuid: uuid.UUID
) -> HttpResponseBase:
    document = access_document_for_staff(request.user, document_uuid)  # type: ignore[arg-type]
    original = document.originals.filter(uuid=original_uuid).first()
    if original is None:
        raise Http404("no such original")
    document_record_download(
        document=document,
        actor=request.user,  # type: ignore[arg-type]
        what=f"original {original.position}",
    )
    response = file_response(
        original.file.open("rb"), content_type=original.mime_type, filename=original.filename
    )
    return _private(response, max_age=0)
