"""Writing and checking the hash chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
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


def _event(
    action: str,
    *,
    actor: Any,
    subject: models.Model | None,
    jobcenter_id: int | None,
    case_id: int | None,
    data: dict[str, Any] | None,
    prev_hash: str,
    occurred_at: Any,
) -> AuditEvent:
    event = AuditEvent(
        occurred_at=occurred_at,
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=str(getattr(actor, "email", "") or actor or "system")[:200],
        subject_type=subject._meta.label_lower if subject is not None else "",
        subject_id=str(getattr(subject, "uuid", None) or getattr(subject, "pk", "") or ""),
        jobcenter_id=jobcenter_id,
        case_id=case_id,
        data=json.loads(json.dumps(data or {}, default=str)),
        prev_hash=prev_hash,
    )
    event.hash = _digest(prev_hash, _payload(event))
    return event


def _locked_head() -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=1, defaults={"hash": GENESIS}
    )
    return head


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
        head = _locked_head()
        event = _event(
            action,
            actor=actor,
            subject=subject,
            jobcenter_id=jobcenter_id,
            case_id=case_id,
            data=data,
            prev_hash=head.hash,
            occurred_at=timezone.now(),
        )
        event.save()
        head.hash = event.hash
        head.save(update_fields=["hash"])
    return event


def record_many(
    entries: Iterable[tuple[str, models.Model, int | None, int | None, dict[str, Any]]],
    *,
    actor: Any = None,
    batch_size: int = 1000,
) -> int:
    """Append many events (action, subject, jobcenter id, case id, data) in one go.

    The same events and hashes as calling ``record`` for each, without a round trip per
    event (an initial import of 10,000 people writes 10,000 events). Returns the count.
    """
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        prev = head.hash
        events = []
        for action, subject, jobcenter_id, case_id, data in entries:
            event = _event(
                action,
                actor=actor,
                subject=subject,
                jobcenter_id=jobcenter_id,
                case_id=case_id,
                data=data,
                prev_hash=prev,
                occurred_at=now,
            )
            prev = event.hash
            events.append(event)
        if events:
            AuditEvent.objects.bulk_create(events, batch_size=batch_size)
            head.hash = prev
            head.save(update_fields=["hash"])
    return len(events)


def verify_chain() -> int | None:
    """Return the id of the first event whose hash does not match, or None if all is intact."""
    prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator():
        if event.prev_hash != prev or event.hash != _digest(prev, _payload(event)):
            return event.id
        prev = event.hash
    return None
