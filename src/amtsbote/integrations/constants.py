from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What an API client may do; every client acts only in its own jobcenter."""

    CASES_READ = "cases:read", _("read cases and people")
    CASES_WRITE = "cases:write", _("create and change cases and people")
    DOCUMENTS_READ = "documents:read", _("read and download documents")
    DOCUMENTS_WRITE = "documents:write", _("upload documents")
    REQUESTS_READ = "requests:read", _("read document requests")
    REQUESTS_WRITE = "requests:write", _("create document requests")
    LETTERS_READ = "letters:read", _("read the delivery of letters")
    LETTERS_WRITE = "letters:write", _("send letters and Bescheide")
    INTAKE_READ = "intake:read", _("read mailroom results")
    WEBHOOKS_READ = "webhooks:read", _("read the client's webhooks and their delivery log")


# The beginning of every key: lets secret scanners and people recognise one.
KEY_PREFIX = "amtsbote"


class WebhookEvent(models.TextChoices):
    DOCUMENT_RECEIVED = "document.received", _("a document arrived (portal or mailroom)")
    REQUEST_FULFILLED = "request.fulfilled", _("a document request is fulfilled")
    LETTER_RETRIEVED = "letter.retrieved", _("the addressee retrieved a letter")
    FORM_SUBMITTED = "form.submitted", _("a customer sent an online form")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    DELIVERED = "delivered", _("delivered")
    FAILED = "failed", _("failed for good")


# The scope a client needs to be told of an event (the same it needs to read the object).
EVENT_SCOPES: dict[str, str] = {
    WebhookEvent.DOCUMENT_RECEIVED: Scope.DOCUMENTS_READ,
    WebhookEvent.REQUEST_FULFILLED: Scope.REQUESTS_READ,
    WebhookEvent.LETTER_RETRIEVED: Scope.LETTERS_READ,
    WebhookEvent.FORM_SUBMITTED: Scope.DOCUMENTS_READ,
}

# The headers of a webhook call (docs/api.md#webhooks).
SIGNATURE_HEADER = "Amtsbote-Signature"
TIMESTAMP_HEADER = "Amtsbote-Timestamp"
EVENT_HEADER = "Amtsbote-Event"
DELIVERY_HEADER = "Amtsbote-Delivery"
