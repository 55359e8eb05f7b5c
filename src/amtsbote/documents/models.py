"""Documents in the e-file, their versions and the untouched originals they were made from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import DOCUMENT_TYPE_NAMES, InboxStatus, OcrStatus, Source


class DocumentType(models.Model):
    """Catalogue entry (Mietvertrag, Kontoauszüge …) with the register it is filed in."""

    code = models.SlugField(_("code"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    default_register_code = models.SlugField(_("default register"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The name for customers in the active language (German: the catalogue's name)."""
        name = DOCUMENT_TYPE_NAMES.get(self.code)
        return self.name if name is None else str(name)


def _original_path(instance: OriginalFile, filename: str) -> str:
    return f"originals/{instance.document.case.uuid}/{instance.uuid}"


def _version_path(instance: DocumentVersion, filename: str) -> str:
    return f"documents/{instance.document.case.uuid}/{instance.uuid}.pdf"


def _thumbnail_path(instance: DocumentVersion, filename: str) -> str:
    return f"thumbnails/{instance.document.case.uuid}/{instance.uuid}.jpg"


class Document(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents"
    )
    register = models.ForeignKey(
        "cases.FilePlanEntry",
        verbose_name=_("register"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("document type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    received_at = models.DateTimeField(_("received at"), db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_documents",
    )
    inbox_status = models.CharField(
        _("inbox status"), max_length=10, choices=InboxStatus.choices, default=InboxStatus.NEW
    )
    lock_version = models.PositiveIntegerField(
        _("lock version"),
        default=0,
        help_text=_("Counts metadata edits; a save based on an older count is refused."),
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["case", "inbox_status", "-received_at"]),
            # The inbox walks the new documents newest first and stops after a page of hits
            # in the user's households (documents.selectors.inbox_documents).
            models.Index(
                fields=["-received_at", "-id"],
                condition=models.Q(inbox_status=InboxStatus.NEW),
                name="documents_inbox_new",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def current_version(self) -> DocumentVersion | None:
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            return max(versions, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()


class DocumentVersion(BaseModel):
    """A PDF rendition of the document; version 1 is made from the originals."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=_version_path, max_length=300)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    mime_type = models.CharField(_("MIME type"), max_length=100, default="application/pdf")
    pages = models.PositiveIntegerField(_("pages"))
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=_thumbnail_path, max_length=300, blank=True
    )
    text = models.TextField(_("recognised text"), blank=True)
    ocr_status = models.CharField(
        _("OCR status"), max_length=10, choices=OcrStatus.choices, default=OcrStatus.PENDING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class OriginalFile(BaseModel):
    """A file exactly as received (photo, PDF); kept unchanged, with its hash."""

    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="originals"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    file = models.FileField(_("file"), upload_to=_original_path, max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    mime_type = models.CharField(_("MIME type"), max_length=100)
    pages = models.PositiveIntegerField(_("pages"))

    class Meta:
        verbose_name = _("original file")
        verbose_name_plural = _("original files")
        ordering = ["document", "position"]

    def __str__(self) -> str:
        return self.filename
