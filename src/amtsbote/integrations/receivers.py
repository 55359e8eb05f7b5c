"""Webhook events from the audit log: each audited change that a client may hear of
becomes an event for the webhooks of its jobcenter (``webhooks.webhook_event_emit``).

The receiver runs in the service's transaction, in a savepoint of its own: should it fail,
the service's change (a customer's upload) stands and the failure is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.models import Case
from amtsbote.doc_requests.constants import RequestStatus
from amtsbote.doc_requests.models import DocRequest
from amtsbote.documents.constants import Source
from amtsbote.postbox.models import Letter

from .constants import WebhookEvent
from .webhooks import webhook_event_emit

logger = logging.getLogger(__name__)

Event = tuple[str, str, dict[str, Any]]  # event, object UUID, data


def _case(case_id: int | None) -> dict[str, Any]:
    if case_id is None:
        return {}
    case = Case.objects.filter(pk=case_id).only("uuid", "bg_number").first()
    return {"case": str(case.uuid), "bg_number": case.bg_number} if case else {}


def _document_received(event: AuditEvent) -> Event | None:
    source = event.data.get("source")
    if source not in (Source.PORTAL, Source.SCAN):
        return None  # the client's own uploads and outgoing letters are no news to it
    data = {"document": event.subject_id, "source": source, **_case(event.case_id)}
    return WebhookEvent.DOCUMENT_RECEIVED, event.subject_id, data


def _request_fulfilled(event: AuditEvent) -> Event | None:
    request = DocRequest.objects.filter(uuid=event.data.get("request")).first()
    if request is None or request.status != RequestStatus.FULFILLED:
        return None
    data = {
        "request": str(request.uuid),
        "fulfilled_at": request.fulfilled_at.isoformat() if request.fulfilled_at else None,
        **_case(request.case_id),
    }
    return WebhookEvent.REQUEST_FULFILLED, str(request.uuid), data


def _letter_retrieved(event: AuditEvent) -> Event | None:
    letter = Letter.objects.filter(uuid=event.subject_id).first()
    if letter is None or letter.first_retrieved_at is None:
        return None  # a representative's reading is not the addressee's retrieval
    data = {
        "letter": str(letter.uuid),
        "kind": letter.kind,
        "retrieved_at": letter.first_retrieved_at.isoformat(),
        "bekanntgabe_on": letter.bekanntgabe_on.isoformat() if letter.bekanntgabe_on else None,
        "appeal_deadline": (letter.appeal_deadline.isoformat() if letter.appeal_deadline else None),
        **_case(letter.case_id),
    }
    return WebhookEvent.LETTER_RETRIEVED, str(letter.uuid), data


def _form_submitted(event: AuditEvent) -> Event | None:
    data = {
        "submission": event.subject_id,
        "form": event.data.get("form"),
        "document": event.data.get("document"),
        **_case(event.case_id),
    }
    return WebhookEvent.FORM_SUBMITTED, event.subject_id, data


EVENTS: dict[str, Callable[[AuditEvent], Event | None]] = {
    "documents.document.create": _document_received,
    "doc_requests.submission.create": _request_fulfilled,
    "intake.request_item.fulfil": _request_fulfilled,
    "postbox.letter.retrieve": _letter_retrieved,
    "eforms.submission.create": _form_submitted,
}


@receiver(post_save, sender=AuditEvent, dispatch_uid="api.webhooks_from_audit")
def webhooks_from_audit(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
    handler = EVENTS.get(instance.action)
    if not created or handler is None or instance.jobcenter_id is None:
        return
    try:
        with transaction.atomic():
            found = handler(instance)
            if found is not None:
                event, object_uuid, data = found
                webhook_event_emit(
                    jobcenter_id=instance.jobcenter_id,
                    event=event,
                    object_uuid=object_uuid,
                    data=data,
                )
    except Exception:
        logger.exception("webhook event from %s not stored", instance.action)
