"""API clients (the benefits software, scanners) and their keys.

A client belongs to one jobcenter and sees nothing of another. It acts through a service
account of its own (``user``, a caseworker account that cannot log in), so that every
service it calls records it as the actor. Of a key only the SHA-256 digest is stored; the key
is shown once. A client may hold several keys at once, to change them without a gap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amtsbote.core.models import BaseModel

from .constants import DeliveryStatus, WebhookEvent


class ApiClient(BaseModel):
    jobcenter = models.ForeignKey(
        "cases.Jobcenter",
        verbose_name=_("jobcenter"),
        on_delete=models.PROTECT,
        related_name="api_clients",
    )
    name = models.CharField(_("name"), max_length=200)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("service account"),
        on_delete=models.PROTECT,
        related_name="api_client",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        ordering = ["jobcenter", "name"]
        constraints = [
            models.UniqueConstraint(fields=["jobcenter", "name"], name="apiclient_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiKey(BaseModel):
    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="keys"
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    digest = models.CharField(_("SHA-256 digest"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["client", "-created_at"]

    def __str__(self) -> str:
        return f"{self.client} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class WebhookEndpoint(BaseModel):
    """Where a client wants to hear of events of its jobcenter; calls are signed with
    ``secret`` (HMAC-SHA256), which is therefore stored as it is."""

    client = models.ForeignKey(
        ApiClient, verbose_name=_("client"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=100)
    events = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["client", "created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(BaseModel):
    """One event for one endpoint, and how sending it went: the delivery log."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("event"), max_length=40, choices=WebhookEvent.choices)
    object_uuid = models.UUIDField(_("object"))
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.PENDING,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event", "object_uuid"], name="webhookdelivery_unique_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
