"""What was sent to whom, and what the mail server or push service answered."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import EmailStatus, PushStatus


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


class PushSubscription(BaseModel):
    """One device (browser) of a user that receives web push (RFC 8030, VAPID RFC 8292).

    ``endpoint``, ``p256dh`` and ``auth`` are what the browser's ``PushManager`` gives; the
    keys encrypt the payload for that browser only (RFC 8291).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField(_("push endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key of the device"), max_length=200)
    auth = models.CharField(_("authentication secret"), max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.user_agent[:40]}"


class PushNotification(BaseModel):
    """One push to all devices of a user: queued in the transaction, sent after commit."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="push_notifications",
    )
    template = models.CharField(_("template"), max_length=100)
    path = models.CharField(_("portal path"), max_length=300)
    language = models.CharField(_("language"), max_length=10)
    # Set for a push that goes out once only (a deadline reminder): recipient and key are unique.
    key = models.CharField(_("key"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PushStatus.choices, default=PushStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    delivered_to = models.JSONField(_("delivered to devices"), default=list, blank=True)
    result = models.TextField(_("result"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("push notification")
        verbose_name_plural = _("push notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="push_notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} → {self.recipient_id}"
