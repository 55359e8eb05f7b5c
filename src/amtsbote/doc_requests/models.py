"""Document requests (Mitwirkungsaufforderung) and what customers send back."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import ItemStatus, RequestStatus


class DocRequest(BaseModel):
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="doc_requests"
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("requesting team"),
        on_delete=models.PROTECT,
        related_name="doc_requests",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    deadline = models.DateField(_("deadline"))
    message = models.TextField(_("message to the customer"), blank=True)
    legal_hint = models.TextField(_("legal hint"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RequestStatus.choices,
        default=RequestStatus.OPEN,
        db_index=True,
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("document request")
        verbose_name_plural = _("document requests")
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return f"{self.case} – {self.deadline:%d.%m.%Y}"

    @property
    def is_open(self) -> bool:
        return self.status in (RequestStatus.OPEN, RequestStatus.PARTLY)


class DocRequestItem(BaseModel):
    request = models.ForeignKey(
        DocRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    document_type = models.ForeignKey(
        "documents.DocumentType",
        verbose_name=_("document type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    label = models.CharField(_("what is needed"), max_length=200)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    documents = models.ManyToManyField(
        "documents.Document", verbose_name=_("documents"), blank=True, related_name="request_items"
    )

    class Meta:
        verbose_name = _("requested item")
        verbose_name_plural = _("requested items")
        ordering = ["request", "position"]

    def __str__(self) -> str:
        return self.label


class Submission(BaseModel):
    """One send from the portal: what arrived when, the basis of the customer's receipt."""

    request = models.ForeignKey(
        DocRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    manifest = models.JSONField(_("manifest"))
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # The idempotency key of the send: the upload page renders a fresh random key, and a send
    # repeated with it (a retry after a lost answer) gets this submission back, nothing new.
    client_key = models.CharField(_("client key"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "client_key"],
                condition=~models.Q(client_key=""),
                name="submission_unique_client_key",
            )
        ]

    def __str__(self) -> str:
        return self.reference
