"""The mailroom: scanner batches, their files and pages, and the documents cut from them.

A ``ScanBatch`` is one scanner run (BSI TR-03138 RESISCAN: who, when, how, page count, QA,
when the paper may be destroyed). Each input file is kept unchanged as a ``ScanFile``; its
pages (``ScanPage``) carry their hash, recognised text and barcodes; the ``IntakeDocument``
rows are the documents split from a file, each either filed into a case or waiting in triage.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import (
    BatchSource,
    BatchStatus,
    FileStatus,
    IdentifierKind,
    IntakeStatus,
    QaStatus,
)


def _original_path(instance: ScanFile, filename: str) -> str:
    return f"intake/{instance.jobcenter.uuid}/{instance.uuid}/original"


def _page_pdf_path(instance: ScanPage, filename: str) -> str:
    return f"intake/{instance.file.jobcenter.uuid}/{instance.file.uuid}/{instance.index:05d}.pdf"


def _page_thumbnail_path(instance: ScanPage, filename: str) -> str:
    return f"intake/{instance.file.jobcenter.uuid}/{instance.file.uuid}/{instance.index:05d}.jpg"


class ScanBatch(BaseModel):
    """One scanner run (Scanstapel) with the record BSI TR-03138 RESISCAN asks for."""

    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        on_delete=models.PROTECT,
        related_name="scan_batches",
    )
    source = models.CharField(_("source"), max_length=10, choices=BatchSource.choices)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    # RESISCAN: the scanning conditions and the chain of custody of the paper.
    scanner = models.CharField(_("scanner"), max_length=200, blank=True)
    resolution_dpi = models.PositiveIntegerField(_("resolution (dpi)"), null=True, blank=True)
    color_mode = models.CharField(_("colour mode"), max_length=20, blank=True)
    paper_location = models.CharField(_("where the paper is kept"), max_length=200, blank=True)
    qa_status = models.CharField(
        _("quality check"), max_length=10, choices=QaStatus.choices, default=QaStatus.UNCHECKED
    )
    qa_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    qa_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    qa_note = models.TextField(_("quality check note"), blank=True)
    destroy_paper_after = models.DateField(_("paper may be destroyed after"), null=True)
    paper_destroyed_at = models.DateTimeField(_("paper destroyed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scan batch")
        verbose_name_plural = _("scan batches")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return self.label or f"{self.get_source_display()} {self.started_at:%d.%m.%Y %H:%M}"


class ScanFile(BaseModel):
    """An input file exactly as received; its SHA-256 makes every import idempotent."""

    batch = models.ForeignKey(
        ScanBatch, verbose_name=_("batch"), on_delete=models.PROTECT, related_name="files"
    )
    jobcenter = models.ForeignKey(
        "cases.Jobcenter", verbose_name=_("jobcenter"), on_delete=models.PROTECT, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    mime_type = models.CharField(_("MIME type"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10)
    original = models.FileField(_("original file"), upload_to=_original_path, max_length=300)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FileStatus.choices,
        default=FileStatus.PENDING,
        db_index=True,
    )
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("scanned file")
        verbose_name_plural = _("scanned files")
        ordering = ["batch", "id"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "sha256"], name="scanfile_unique_sha256")
        ]

    def __str__(self) -> str:
        return self.filename


class ScanPage(models.Model):
    """One page of a file: rendered once, hashed, read for barcodes and text."""

    file = models.ForeignKey(
        ScanFile, verbose_name=_("file"), on_delete=models.CASCADE, related_name="pages"
    )
    index = models.PositiveIntegerField(_("page index (from 0)"))
    sha256 = models.CharField(_("SHA-256 of the rendered page"), max_length=64)
    width = models.PositiveIntegerField(_("width in pixels"), default=0)
    height = models.PositiveIntegerField(_("height in pixels"), default=0)
    has_text_layer = models.BooleanField(_("has a text layer"), default=False)
    text = models.TextField(_("text"), blank=True)
    ocr_done = models.BooleanField(_("text recognised"), default=False)
    rotated_by = models.SmallIntegerField(_("turned by (degrees)"), default=0)
    straightened = models.BooleanField(_("straightened"), default=False)
    manual_rotation = models.SmallIntegerField(_("turned by staff (degrees)"), default=0)
    is_separator = models.BooleanField(_("separator sheet"), default=False)
    cover_payload = models.CharField(_("cover sheet code"), max_length=200, blank=True)
    pdf = models.FileField(_("archival page"), upload_to=_page_pdf_path, max_length=300, blank=True)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=_page_thumbnail_path, max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("scanned page")
        verbose_name_plural = _("scanned pages")
        ordering = ["file", "index"]
        constraints = [
            models.UniqueConstraint(fields=["file", "index"], name="scanpage_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.file} p.{self.index + 1}"


class IntakeDocument(BaseModel):
    """A document cut from a file (pages ``first_page``..``last_page``): filed or in triage."""

    file = models.ForeignKey(
        ScanFile, verbose_name=_("file"), on_delete=models.PROTECT, related_name="documents"
    )
    first_page = models.PositiveIntegerField(_("first page index (from 0)"))
    last_page = models.PositiveIntegerField(_("last page index (from 0)"))
    status = models.CharField(
        _("status"), max_length=10, choices=IntakeStatus.choices, db_index=True
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("filed document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    request = models.ForeignKey(
        "doc_requests.DocRequest",
        verbose_name=_("answered request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    identifier_kind = models.CharField(
        _("identified by"),
        max_length=15,
        choices=IdentifierKind.choices,
        default=IdentifierKind.NONE,
    )
    confidence = models.FloatField(_("identification confidence"), default=0.0)
    numbers = models.JSONField(_("numbers found"), default=list, blank=True)
    type_code = models.CharField(_("document type code"), max_length=50, blank=True)
    type_confidence = models.FloatField(_("type confidence"), default=0.0)
    suggestions = models.JSONField(_("suggested cases"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    version = models.PositiveIntegerField(_("edit version"), default=1)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming document")
        verbose_name_plural = _("incoming documents")
        ordering = ["file", "first_page"]
        constraints = [
            models.UniqueConstraint(
                fields=["file", "first_page"], name="intakedocument_unique_first_page"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file} p.{self.first_page + 1}–{self.last_page + 1}"

    @property
    def page_count(self) -> int:
        return self.last_page - self.first_page + 1
