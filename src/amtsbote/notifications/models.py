"""What was sent to whom, and what the mail server answered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import EmailStatus


class EmailNotification(BaseModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="email_notifications",
    )
    to_address = models.EmailField(_("to"))
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    smtp_result = models.TextField(_("SMTP result"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.template} → {self.to_address}"
