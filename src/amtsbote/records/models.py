"""Retention rules, legal holds, disposal proposals and what is left after a disposal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import ProposalReason, ProposalStatus


class RetentionRule(BaseModel):
    """How many years after the case closed documents of a register and/or type are kept.

    The most specific rule wins: register and type, then type, then register; without a
    rule the default (``DEFAULT_RETENTION_YEARS``) applies.
    """

    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        on_delete=models.CASCADE,
        related_name="retention_rules",
    )
    register_code = models.SlugField(_("register"), blank=True)
    document_type = models.ForeignKey(
        "documents.DocumentType",
        verbose_name=_("document type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    years = models.PositiveSmallIntegerField(_("years after the case was closed"))

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [
            models.UniqueConstraint(
                fields=["jobcenter", "register_code", "document_type"],
                name="retentionrule_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.register_code or '*'}/{self.document_type or '*'}: {self.years}"


class LegalHold(BaseModel):
    """While a hold is active (not lifted), nothing of the case is proposed or disposed."""

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.CharField(_("reason"), max_length=300)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reason


class DisposalProposal(BaseModel):
    """Documents of one case proposed for disposal; a second person approves or rejects."""

    jobcenter = models.ForeignKey(
        "cases.Jobcenter", verbose_name=_("jobcenter"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="disposal_proposals",
    )
    reason = models.CharField(_("reason"), max_length=10, choices=ProposalReason.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
        db_index=True,
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty when the periodic retention run proposed it."),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed at"), null=True, blank=True)
    certificate = models.FileField(_("disposal certificate"), max_length=300, blank=True)
    certificate_sha256 = models.CharField(
        _("SHA-256 of the certificate"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("disposal proposal")
        verbose_name_plural = _("disposal proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} ({self.get_status_display()})"


class DisposalItem(models.Model):
    """One document in a proposal; the link goes when the document is disposed."""

    proposal = models.ForeignKey(
        DisposalProposal,
        verbose_name=_("proposal"),
        on_delete=models.CASCADE,
        related_name="items",
    )
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("document"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("retention ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed document")
        verbose_name_plural = _("proposed documents")
        ordering = ["proposal", "id"]

    def __str__(self) -> str:
        return f"{self.proposal} #{self.document_id}"


class DisposedDocument(BaseModel):
    """What remains of a disposed document: who, when, why and hashes; never its content.

    ``uuid`` is the disposed document's UUID (links and audit events name it).
    """

    proposal = models.ForeignKey(
        DisposalProposal,
        verbose_name=_("proposal"),
        on_delete=models.PROTECT,
        related_name="disposed",
    )
    case_uuid = models.UUIDField(_("case"))
    bg_number = models.CharField(_("BG-Nummer"), max_length=14)
    document_type = models.CharField(_("document type"), max_length=100, blank=True)
    register_code = models.SlugField(_("register"))
    received_at = models.DateTimeField(_("received at"))
    case_closed_at = models.DateTimeField(_("case closed at"), null=True, blank=True)
    hashes = models.JSONField(_("SHA-256 of the files"), default=list)
    stored_files = models.JSONField(
        _("removed files"),
        default=list,
        help_text=_("Storage names of every file removed (they hold no content)."),
    )

    class Meta:
        verbose_name = _("disposed document")
        verbose_name_plural = _("disposed documents")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return str(self.uuid)


class ArchiveImport(BaseModel):
    """A case taken over from another jobcenter's archive package (see ``records.archive``).

    ``documents`` maps the package's document IDs to the UUIDs the documents got here;
    ``records`` keeps what the package says about document requests, letters, forms and
    retention at the sending jobcenter (they are closed processes there, not live here).
    """

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="archive_imports",
    )
    package_id = models.UUIDField(_("package ID"))
    package_sha256 = models.CharField(_("SHA-256 of the package manifest"), max_length=64)
    source_jobcenter = models.CharField(_("sending jobcenter"), max_length=200)
    source_jobcenter_code = models.CharField(_("code of the sending jobcenter"), max_length=50)
    source_case_uuid = models.UUIDField(_("case ID at the sending jobcenter"))
    exported_at = models.DateTimeField(_("exported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    documents = models.JSONField(_("document IDs (package to here)"), default=dict)
    records = models.JSONField(_("records of the sending jobcenter"), default=dict)

    class Meta:
        verbose_name = _("archive import")
        verbose_name_plural = _("archive imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} ({self.source_jobcenter})"


class ImportedHistoryEntry(models.Model):
    """One line of the history (Protokoll) a case brought from the sending jobcenter."""

    archive_import = models.ForeignKey(
        ArchiveImport,
        verbose_name=_("archive import"),
        on_delete=models.CASCADE,
        related_name="history",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.CASCADE,
        related_name="imported_history",
    )
    position = models.PositiveIntegerField(_("position"))
    occurred_at = models.DateTimeField(_("occurred at"))
    action = models.CharField(_("action"), max_length=100)
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    detail = models.TextField(_("reason or detail"), blank=True)
    source_hash = models.CharField(_("hash in the sending audit log"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("imported history entry")
        verbose_name_plural = _("imported history entries")
        ordering = ["case", "position"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"
