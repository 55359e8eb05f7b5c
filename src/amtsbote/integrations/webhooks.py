"""Webhooks: events of a jobcenter told to its API clients, signed, retried, logged.

Events are taken from the audit log as it is written (``receivers``): the services record
every change there already, so no service needs to know about webhooks. For each endpoint
that wants the event a ``WebhookDelivery`` is stored in the service's transaction; after
commit a task sends it. A call that fails (no answer, not 2xx) is tried again with
exponential back-off until ``WEBHOOK_MAX_ATTEMPTS``; every attempt is in the delivery log.

The payload names objects only (UUIDs, the BG-Nummer, dates): no social data leaves in a
webhook; the client fetches what it needs through the API with its key and scopes.

Signature: ``Amtsbote-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`` with
the Unix time in ``Amtsbote-Timestamp`` (receivers refuse old timestamps against replays).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.core.exceptions import ValidationFailed

from .constants import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    EVENT_SCOPES,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryStatus,
    WebhookEvent,
)
from .models import ApiClient, WebhookDelivery, WebhookEndpoint


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"v1={digest.hexdigest()}"


def verify(secret: str, headers: Any, body: bytes, *, tolerance_seconds: int = 300) -> bool:
    """What a receiver does: the signature matches and the timestamp is recent."""
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    signature = headers.get(SIGNATURE_HEADER, "")
    if not timestamp.isdigit() or abs(timezone.now().timestamp() - int(timestamp)) > (
        tolerance_seconds
    ):
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def _check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    allowed = {"https", "http"} if settings.WEBHOOK_ALLOW_HTTP else {"https"}
    if parts.scheme not in allowed or not parts.hostname:
        raise ValidationFailed(_("A webhook needs an https:// address."), code="url")
    return url.strip()


@transaction.atomic
def webhook_endpoint_create(
    *, client: ApiClient, url: str, events: Iterable[str], actor: User | None = None
) -> tuple[WebhookEndpoint, str]:
    """A webhook of ``client`` for ``events``; returns it with its signing secret."""
    wanted = sorted(set(events))
    if not wanted or any(event not in WebhookEvent.values for event in wanted):
        raise ValidationFailed(
            _("Choose events from: %(events)s") % {"events": ", ".join(WebhookEvent.values)},
            code="events",
        )
    secret = f"whsec_{secrets.token_urlsafe(32)}"
    endpoint = WebhookEndpoint.objects.create(
        client=client, url=_check_url(url), secret=secret, events=wanted
    )
    audit.record(
        "api.webhook.create",
        actor=actor,
        subject=endpoint,
        jobcenter_id=client.jobcenter_id,
        data={"client": str(client.uuid), "url": endpoint.url, "events": wanted},
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, actor: User | None = None, active: bool | None = None
) -> WebhookEndpoint:
    """Switch the webhook off or on. While off, no event is stored for it (it hears of none
    of them later) and its pending deliveries wait; switched on again, those that are due
    are sent at once. Switching to the state it is in changes nothing."""
    if active is None or active == endpoint.active:
        return endpoint
    endpoint.active = active
    endpoint.save(update_fields=["active", "updated_at"])
    client = endpoint.client
    audit.record(
        "api.webhook.update",
        actor=actor,
        subject=endpoint,
        jobcenter_id=client.jobcenter_id,
        data={"client": str(client.uuid), "url": endpoint.url, "changes": {"active": active}},
    )
    if active:
        webhook_deliveries_resume(client=client, endpoint=endpoint)
    return endpoint


def webhook_deliveries_resume(*, client: ApiClient, endpoint: WebhookEndpoint | None = None) -> int:
    """Send at once the pending deliveries that are due and that waited while the client or
    the webhook was switched off (of one webhook, or of all the client's); returns how many."""
    due = WebhookDelivery.objects.filter(
        endpoint__client=client,
        endpoint__active=True,
        endpoint__client__active=True,
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=timezone.now(),
    )
    if endpoint is not None:
        due = due.filter(endpoint=endpoint)
    ids = list(due.values_list("pk", flat=True))
    for delivery_id in ids:
        _enqueue(delivery_id)
    return len(ids)


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: User | None = None) -> None:
    """Remove the webhook for good, with its delivery log (pending deliveries are not sent).
    The audit event keeps what it was and how many deliveries went with it."""
    client = endpoint.client
    counts = {
        row["status"]: row["n"]
        for row in endpoint.deliveries.order_by().values("status").annotate(n=Count("pk"))
    }
    audit.record(
        "api.webhook.delete",
        actor=actor,
        subject=endpoint,
        jobcenter_id=client.jobcenter_id,
        data={
            "client": str(client.uuid),
            "url": endpoint.url,
            "events": endpoint.events,
            "active": endpoint.active,
            "deliveries": counts,
        },
    )
    endpoint.delete()


# --- events ----------------------------------------------------------------------------------


def webhook_event_emit(
    *, jobcenter_id: int, event: str, object_uuid: str, data: dict[str, Any]
) -> list[WebhookDelivery]:
    """Store a delivery of ``event`` for every active endpoint of the jobcenter's active
    clients that wants it and has the scope to read the object (once per endpoint and
    object), and send them after commit."""
    endpoints = WebhookEndpoint.objects.filter(
        active=True, client__active=True, client__jobcenter_id=jobcenter_id
    ).select_related("client__jobcenter")
    deliveries = []
    now = timezone.now()
    for endpoint in endpoints:
        if event not in endpoint.events or not endpoint.client.has_scope(EVENT_SCOPES[event]):
            continue
        payload = {
            "event": event,
            "occurred_at": now.isoformat(),
            "jobcenter": endpoint.client.jobcenter.slug,
            "data": data,
        }
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint,
                    event=event,
                    object_uuid=object_uuid,
                    payload=payload,
                    next_attempt_at=now,
                )
        except IntegrityError:
            continue  # told already (a letter retrieved twice, a request fulfilled again)
        deliveries.append(delivery)
    for delivery in deliveries:
        _enqueue(delivery.pk)
    return deliveries


def _enqueue(delivery_id: int, run_after: dt.datetime | None = None) -> None:
    from .tasks import webhook_deliver

    if run_after is None:
        transaction.on_commit(lambda: webhook_deliver.enqueue(delivery_id))
    elif webhook_deliver.get_backend().supports_defer:
        transaction.on_commit(
            lambda: webhook_deliver.using(run_after=run_after).enqueue(delivery_id)
        )
    # Otherwise ``webhook_deliveries_retry`` (manage.py webhooks_retry) picks it up when due.


# --- sending ---------------------------------------------------------------------------------


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off after the ``attempts``-th failed attempt: base, 2×, 4× …"""
    return dt.timedelta(seconds=settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    body = json.dumps({"id": str(delivery.uuid), **delivery.payload}, sort_keys=True).encode()
    timestamp = str(int(timezone.now().timestamp()))
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked on creation
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Amtsbote-Webhooks/1",
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.uuid),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS
        ) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return None, str(exc)[:500]


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send a pending delivery once and log the result; schedule the next attempt or give
    up. Safe to run twice: a delivered or given-up delivery is left alone. A delivery of a
    webhook or client that is switched off is not attempted: it waits, pending, until both
    are on again (``webhook_deliveries_resume`` sends it then)."""
    delivery = (
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            status=DeliveryStatus.PENDING,
            endpoint__active=True,
            endpoint__client__active=True,
        )
        .select_related("endpoint")
        .first()
    )
    if delivery is None:
        return None
    status, error = _post(delivery)  # outside any transaction: no lock held while waiting
    now = timezone.now()
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if locked is None:
            return None  # the webhook was removed, with its log, while we were calling
        delivery = locked
        if delivery.status != DeliveryStatus.PENDING:
            return delivery
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.response_status = status
        if status is not None and 200 <= status < 300:
            delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED, now
            delivery.next_attempt_at, delivery.last_error = None, ""
        else:
            delivery.last_error = error or f"HTTP {status}"
            if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                _enqueue(delivery.pk, run_after=delivery.next_attempt_at)
        delivery.save()
    return delivery


def webhook_deliveries_retry(*, now: dt.datetime | None = None) -> int:
    """Attempt every pending delivery that is due (for task backends that cannot defer, and
    after an outage); returns how many were attempted. Webhooks and clients switched off are
    skipped."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=DeliveryStatus.PENDING,
        next_attempt_at__lte=now,
        endpoint__active=True,
        endpoint__client__active=True,
    ).values_list("pk", flat=True)
    count = 0
    for delivery_id in list(due):
        webhook_delivery_attempt(delivery_id=delivery_id)
        count += 1
    return count
