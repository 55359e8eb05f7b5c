"""Writing and checking the hash chain."""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold, and what is wrong there."""

    kind: str  # "altered", "inserted", "deleted"
    event_id: int | None
    occurred_at: datetime.datetime | None
    action: str
    detail: str


@dataclass(frozen=True)
class ChainReport:
    count: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _break(kind: str, event: AuditEvent | None, detail: str) -> ChainBreak:
    return ChainBreak(
        kind=kind,
        event_id=event.id if event else None,
        occurred_at=event.occurred_at if event else None,
        action=event.action if event else "",
        detail=detail,
    )


def _self_consistent(event: AuditEvent) -> bool:
    return event.hash == _digest(event.prev_hash, _payload(event))


def check_chain() -> ChainReport:
    """Walk the whole chain in id order and name the first broken event.

    - altered: an event's content no longer matches its own hash;
    - inserted: an event that the next event skips (it links to the event before), or
      events after the recorded chain head;
    - deleted: an event that does not link to the one before it (events between are
      missing), or the chain ends before the recorded head.

    Someone who can rewrite every later event and the head row as well is not detected:
    anchor the head hash outside the database (see docs/records.md).
    """
    head = AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first()
    events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    count = 0
    before_prev, prev = "", GENESIS
    previous: AuditEvent | None = None
    pending: AuditEvent | None = None  # a broken event, judged once its successor is seen

    def judge(event: AuditEvent, successor: AuditEvent | None) -> ChainBreak:
        if successor is not None and successor.prev_hash == prev and _self_consistent(successor):
            return _break("inserted", event, "the next event links past it: it was inserted")
        if not _self_consistent(event):
            return _break("altered", event, "its content does not match its hash: altered")
        return _break(
            "deleted", event, "it does not link to the event before it: events were deleted"
        )

    for event in events:
        count += 1
        if pending is not None:
            return ChainReport(count, judge(pending, event))
        if _self_consistent(event) and event.prev_hash == prev:
            before_prev, prev, previous = prev, event.hash, event
            continue
        if previous is not None and event.prev_hash == before_prev and _self_consistent(event):
            return ChainReport(
                count, _break("inserted", previous, "the next event links past it: it was inserted")
            )
        pending = event
    if pending is not None:
        return ChainReport(count, judge(pending, None))
    if head is None:
        return ChainReport(count, _tail_break("", previous) if count else None)
    if head != prev:
        fresh = AuditChainHead.objects.filter(pk=1).values_list("hash", flat=True).first()
        if fresh != prev:  # not just an event written while we were reading
            return ChainReport(count, _tail_break(fresh or "", previous))
    return ChainReport(count, None)


def _tail_break(head: str, last: AuditEvent | None) -> ChainBreak:
    after = AuditEvent.objects.filter(hash=head).values_list("id", flat=True).first()
    if after is not None:
        first_extra = AuditEvent.objects.filter(id__gt=after).order_by("id").first()
        return _break(
            "inserted", first_extra, "it lies after the recorded chain head: it was inserted"
        )
    if not head:
        return _break("deleted", last, "the recorded chain head is missing")
    return _break(
        "deleted",
        last,
        "the chain ends here but the recorded head is later: newer events were deleted",
    )


def verify_chain() -> int | None:
    """Return the id of the first broken event, or None if all is intact (see check_chain)."""
    broken = check_chain().first_break
    return None if broken is None else (broken.event_id or 0)
