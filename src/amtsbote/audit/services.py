"""Writing and checking the hash chain."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _payload(event: AuditEvent) -> dict[str, Any]:
    return {
        "occurred_at": event.occurred_at.isoformat(),
        "action": event.action,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "subject_type": event.subject_type,
        "subject_id": event.subject_id,
        "jobcenter_id": event.jobcenter_id,
        "case_id": event.case_id,
        "data": event.data,
    }


def record(
    action: str,
    *,
    actor: Any = None,
    subject: models.Model | None = None,
    jobcenter_id: int | None = None,
    case_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    The chain head row is locked (``select_for_update``) so that concurrent writers on
    PostgreSQL chain one after the other; SQLite serialises writers anyway.
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"hash": GENESIS}
        )
        event = AuditEvent(
            occurred_at=timezone.now(),
            action=action,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=str(getattr(actor, "email", "") or actor or "system")[:200],
            subject_type=subject._meta.label_lower if subject is not None else "",
            subject_id=str(getattr(subject, "uuid", None) or getattr(subject, "pk", "") or ""),
            jobcenter_id=jobcenter_id,
            case_id=case_id,
            data=json.loads(json.dumps(data or {}, default=str)),
            prev_hash=head.hash,
        )
        event.hash = _digest(event.prev_hash, _payload(event))
        event.save()
        head.hash = event.hash
        head.save(update_fields=["hash"])
    return event


def verify_chain() -> int | None:
    """Return the id of the first event whose hash does not match, or None if all is intact."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev or event.hash != _digest(prev, _payload(event)):
            return event.id
        prev = event.hash
    return None
