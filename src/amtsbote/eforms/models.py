"""Drafts of online forms (one per account and form) and sent forms."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel


class FormDraft(BaseModel):
    """What a customer entered so far, kept on the server after every step: it can be
    continued on another device. Deleted when the form is sent or discarded.

    A draft belongs to the pair (account, person): a representative's draft for a customer
    never mixes with the customer's own draft of the same form."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="form_drafts",
    )
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("for person"),
        on_delete=models.CASCADE,
        related_name="form_drafts",
        help_text=_(
            "Whose form it is: the account's own person, or the person a representative acts for."
        ),
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.CASCADE, related_name="form_drafts"
    )
    form_code = models.CharField(_("form"), max_length=50)
    form_version = models.PositiveSmallIntegerField(_("form version"))
    data = models.JSONField(_("answers"), default=dict, blank=True)
    step = models.CharField(_("current step"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("form draft")
        verbose_name_plural = _("form drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "person", "form_code"], name="form_draft_unique_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form_code} v{self.form_version}"


class FormSubmission(BaseModel):
    """A sent form: its code, version and answers, the PDF in the e-file, the follow-ups."""

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="form_submissions",
    )
    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="form_submissions",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="form_submissions",
    )
    on_behalf_of = models.ForeignKey(
        "cases.Person",
        verbose_name=_("on behalf of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Set when a representative sent the form in the customer's name: the sender "
            "is the representative, this is the person they act for."
        ),
    )
    form_code = models.CharField(_("form"), max_length=50, db_index=True)
    form_version = models.PositiveSmallIntegerField(_("form version"))
    title = models.CharField(_("title"), max_length=200)
    data = models.JSONField(_("answers"))
    language = models.CharField(_("language of the form"), max_length=10)
    document = models.ForeignKey(
        "documents.Document",
        verbose_name=_("PDF in the e-file"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    follow_ups = models.ManyToManyField(
        "doc_requests.DocRequest",
        verbose_name=_("follow-up requests"),
        blank=True,
        related_name="form_submissions",
    )

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} {self.reference}"
