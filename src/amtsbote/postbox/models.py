"""Outgoing letters and Bescheide, their delivery evidence, consents and the print queue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import (
    Channel,
    ConsentKind,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    LetterTopic,
    PrintReason,
)


class Letter(BaseModel):
    """One outgoing document to one person, filed in the e-file, with how it reached them.

    The timestamps are the delivery evidence: when the notification was sent and what the mail
    server answered, the addressee's first retrieval, a disputed receipt, printing, posting.
    The legal dates (Bekanntgabe, Widerspruch deadline) are computed by ``deadlines`` and
    stored, so that they stay as they were decided even when a setting changes later.
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="letters"
    )
    addressee = models.ForeignKey(
        "cases.Person",
        verbose_name=_("addressee"),
        on_delete=models.PROTECT,
        related_name="letters",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LetterKind.choices)
    template = models.CharField(
        _("made from"), max_length=12, choices=LetterTemplate.choices, default=LetterTemplate.UPLOAD
    )
    subject = models.CharField(_("subject"), max_length=200)
    topic = models.CharField(
        _("topic"),
        max_length=12,
        choices=LetterTopic.choices,
        blank=True,
        help_text=_("Shown to the customer in their language above the German subject."),
    )
    document = models.OneToOneField(
        "documents.Document",
        verbose_name=_("document in the e-file"),
        on_delete=models.PROTECT,
        related_name="letter",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("status"),
        max_length=13,
        choices=LetterStatus.choices,
        default=LetterStatus.CREATED,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notification = models.ForeignKey(
        "notifications.EmailNotification",
        verbose_name=_("notification e-mail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notified_at = models.DateTimeField(_("notification sent at"), null=True, blank=True)
    smtp_reply = models.TextField(_("mail server's answer"), blank=True)
    first_retrieved_at = models.DateTimeField(
        _("first retrieved by the addressee at"), null=True, blank=True
    )
    receipt_disputed_at = models.DateTimeField(_("receipt disputed at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    digital_ended_at = models.DateTimeField(_("digital provision ended at"), null=True, blank=True)
    bekanntgabe_on = models.DateField(_("Bekanntgabe"), null=True, blank=True)
    appeal_deadline = models.DateField(_("Widerspruch deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["channel", "status", "notified_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_bescheid(self) -> bool:
        return self.kind == LetterKind.BESCHEID

    @property
    def appeal_days_left(self) -> int | None:
        """Days from today (Berlin) to the last day for an objection; None without one."""
        if self.appeal_deadline is None:
            return None
        return (self.appeal_deadline - timezone.localdate()).days


class LetterRetrieval(BaseModel):
    """The first time one user opened or downloaded one letter (one row per letter and user)."""

    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.CASCADE, related_name="retrievals"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    retrieved_at = models.DateTimeField(_("first retrieved at"))
    how = models.CharField(_("how"), max_length=10)

    class Meta:
        verbose_name = _("retrieval")
        verbose_name_plural = _("retrievals")
        ordering = ["retrieved_at"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "user"], name="retrieval_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.letter} – {self.retrieved_at:%Y-%m-%d %H:%M}"


class PrintJob(BaseModel):
    """An entry of the print queue: a letter to print and post, and when that happened."""

    letter = models.ForeignKey(
        Letter, verbose_name=_("letter"), on_delete=models.PROTECT, related_name="print_jobs"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=PrintReason.choices)
    printed_at = models.DateTimeField(_("printed at"), null=True, blank=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("printed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_on = models.DateField(_("posted on"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("print job")
        verbose_name_plural = _("print jobs")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.letter} ({self.get_reason_display()})"


class Consent(BaseModel):
    """One grant or withdrawal of a consent, with the exact wording shown. Append-only.

    The latest row per person and kind is the current state; a withdrawal acts for the
    future only (letters already provided keep their Bekanntgabe).
    """

    person = models.ForeignKey(
        "cases.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="consents",
    )
    kind = models.CharField(_("consent"), max_length=16, choices=ConsentKind.choices)
    granted = models.BooleanField(_("granted"))
    wording = models.TextField(_("wording shown"))
    language = models.CharField(_("language of the page"), max_length=10)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["person", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.kind}: {self.granted}"
