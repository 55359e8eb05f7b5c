"""Posteingang: drop scans onto the desk, watch the batches being read, check their quality.

Also what the triage views reach through the mailroom: page pictures and the households
of the jobcenter (post may belong to any of them).
"""

from __future__ import annotations

import io
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import TooManyFilesSent
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.cases.selectors import case_search
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.documents.processing import render_page
from amtsbote.intake.access import (
    access_intake_document_for_staff,
    access_scan_batch_for_staff,
    can_use_mailroom,
)
from amtsbote.intake.constants import BatchStatus, FileStatus, IntakeStatus
from amtsbote.intake.models import IntakeDocument, ScanBatch, ScanFile, ScanPage
from amtsbote.intake.pages import MIME_TYPES
from amtsbote.intake.selectors import cases_for_intake, scan_batches
from amtsbote.intake.services import BatchImport, scan_batch_check, scan_batch_create_from_upload

from ..decorators import staff_required

RECENT_BATCHES = 20
SEARCH_LIMIT = 10
LARGE_WIDTH = 1000
ACCEPT = ",".join([".pdf", ".tif", ".tiff", ".jpg", ".jpeg", ".png", ".heic", ".heif"])


def mailroom_user(request: HttpRequest) -> User:
    """The staff member, if the mailroom is theirs (see intake.access); else 404."""
    user: User = request.user  # type: ignore[assignment]
    if not can_use_mailroom(user):
        raise Http404("not mailroom")
    return user


class UploadForm(forms.Form):
    label = forms.CharField(
        label=gettext_lazy("Label of the batch"),
        help_text=gettext_lazy("For example the tray or the date on the paper stack."),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input"}),
    )


class BatchCheckForm(forms.Form):
    result = forms.ChoiceField(
        label=gettext_lazy("Result of the quality check"),
        choices=[("passed", gettext_lazy("passed")), ("failed", gettext_lazy("failed"))],
        widget=forms.RadioSelect(attrs={"class": "kern-form-check__radio"}),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        max_length=2000,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("result") == "failed" and not data.get("note", "").strip():
            self.add_error("note", _("Please say what is wrong with the scans."))
        return data


def _count(queryset: QuerySet[Any], batch_field: str) -> Coalesce:
    """A correlated COUNT per batch (no join fan-out between files, pages and documents)."""
    counted = (
        queryset.filter(**{batch_field: OuterRef("pk")})
        .order_by()
        .values(batch_field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def recent_batches(user: User) -> list[ScanBatch]:
    """The newest batches with their progress (what the list and its poll show)."""
    assert user.jobcenter is not None
    batches = scan_batches(jobcenter=user.jobcenter).annotate(
        file_count=_count(ScanFile.objects.all(), "batch"),
        failed_files=_count(ScanFile.objects.filter(status=FileStatus.FAILED), "batch"),
        pages_done=_count(ScanPage.objects.all(), "file__batch"),
        filed_count=_count(IntakeDocument.objects.filter(status=IntakeStatus.FILED), "file__batch"),
        triage_count=_count(
            IntakeDocument.objects.filter(status=IntakeStatus.TRIAGE), "file__batch"
        ),
    )
    return list(batches.order_by("-started_at", "-id")[:RECENT_BATCHES])


def _batches_context(user: User) -> dict[str, Any]:
    batches = recent_batches(user)
    running = (BatchStatus.PENDING, BatchStatus.PROCESSING)
    return {
        "batches": batches,
        "processing": any(batch.status in running for batch in batches),
    }


def _read_uploads(request: HttpRequest) -> list[tuple[str, bytes]]:
    files = []
    for upload in request.FILES.getlist("files"):
        with upload.open("rb") as handle:
            files.append((upload.name or "scan", handle.read()))
    return files


def _report(result: BatchImport) -> list[tuple[str, str]]:
    """What the upload did, as (level, text) lines for messages or the XHR answer."""
    lines: list[tuple[str, str]] = []
    if result.imported:
        count = len(result.imported)
        lines.append(
            (
                "success",
                ngettext(
                    "Batch %(batch)s: %(count)d file is being read.",
                    "Batch %(batch)s: %(count)d files are being read.",
                    count,
                )
                % {"count": count, "batch": result.batch},
            )
        )
    if result.duplicates:
        lines.append(
            (
                "warning",
                _("Skipped, because they were received before (same SHA-256): %(names)s")
                % {"names": ", ".join(f.filename for f in result.duplicates)},
            )
        )
    for _name, reason in result.refused:
        lines.append(("error", reason))
    return lines


@require_http_methods(["GET", "POST"])
@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    """Posteingang: the upload form (drag and drop with JS) and the recent batches."""
    user = mailroom_user(request)
    xhr = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    form = UploadForm(request.POST if request.method == "POST" else None)
    lines: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        try:
            files = _read_uploads(request)
        except TooManyFilesSent:
            files = []
            lines.append(
                (
                    "error",
                    _("Please upload at most %(count)d files at once.")
                    % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES},
                )
            )
        if not lines and form.is_valid():
            try:
                assert user.jobcenter is not None
                result = scan_batch_create_from_upload(
                    jobcenter=user.jobcenter,
                    operator=user,
                    files=files,
                    label=form.cleaned_data["label"],
                )
            except AmtsboteError as exc:
                lines.append(("error", exc.message))
            else:
                lines.extend(_report(result))
        if not any(level != "error" for level, _text in lines):
            status = 400
        if not xhr:
            for level, text in lines:
                messages.add_message(request, getattr(messages, level.upper()), text)
            if status == 200:
                return redirect("desk:intake")
    if xhr:
        return render(request, "desk/intake/_upload_result.html", {"lines": lines}, status=status)
    return render(
        request,
        "desk/intake/intake.html",
        {
            "form": form,
            "accept": ACCEPT,
            "formats": ", ".join(kind.upper() for kind in MIME_TYPES),
            "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            **_batches_context(user),
        },
        status=status,
    )


@require_GET
@staff_required
def intake_batches(request: HttpRequest) -> HttpResponse:
    """The batch list alone; the page polls it while a batch is being read."""
    user = mailroom_user(request)
    return render(request, "desk/intake/_batches.html", _batches_context(user))


@require_POST
@staff_required
def intake_batch_check(request: HttpRequest, batch_uuid: uuid.UUID) -> HttpResponse:
    """RESISCAN quality check: a person compared scans and paper (passed, or failed + note)."""
    user = mailroom_user(request)
    batch = access_scan_batch_for_staff(user, batch_uuid)
    form = BatchCheckForm(request.POST)
    if form.is_valid():
        try:
            scan_batch_check(
                batch=batch,
                actor=user,
                passed=form.cleaned_data["result"] == "passed",
                note=form.cleaned_data["note"].strip(),
            )
        except AmtsboteError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("The quality check of %(batch)s is recorded.") % {"batch": batch}
            )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{batch}: {error}")
    return redirect("desk:intake")


# --- what triage reaches -----------------------------------------------------------------


def intake_case_search(user: User, query: str) -> list[Case]:
    """BG-Nummer, Kundennummer or name over every case of the jobcenter."""
    return list(case_search(user, query, scope=cases_for_intake(user), limit=SEARCH_LIMIT))


@require_GET
@staff_required
def intake_page(request: HttpRequest, intake_uuid: uuid.UUID, index: int) -> HttpResponse:
    """A page of an incoming document as JPEG: the stored thumbnail, or ``?size=large``.

    Staff turns are applied here, so the picture always shows what will be filed.
    """
    user = mailroom_user(request)
    intake = access_intake_document_for_staff(user, intake_uuid)
    if not intake.first_page <= index <= intake.last_page:
        raise Http404("no such page")
    page = ScanPage.objects.filter(file_id=intake.file_id, index=index).first()
    if page is None:
        raise Http404("no such page")
    if request.GET.get("size") == "large" and page.pdf:
        with page.pdf.open("rb") as handle:
            data = render_page(handle.read(), 0, width=LARGE_WIDTH)
    elif page.thumbnail:
        with page.thumbnail.open("rb") as handle:
            data = handle.read()
    else:
        raise Http404("no picture of this page")
    if page.manual_rotation % 360:
        with Image.open(io.BytesIO(data)) as image:
            # PIL turns anticlockwise; staff turns are clockwise.
            turned = image.rotate(-page.manual_rotation, expand=True)
            out = io.BytesIO()
            turned.save(out, "JPEG", quality=80)
            data = out.getvalue()
    response = file_response(
        data, content_type="image/jpeg", filename=f"{intake.uuid}-{index}.jpg", inline=True
    )
    # The URL carries the turn (``?r=``), so a turned page is fetched anew.
    patch_cache_control(response, private=True, max_age=3600)
    return response
