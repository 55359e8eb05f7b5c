"""Web push (RFC 8030) with VAPID (RFC 8292) and encrypted payloads (RFC 8291, aes128gcm).

A customer turns push on per device; each device is a ``PushSubscription``. A push is queued
in the caller's transaction (``push_notify``) and sent by a task after commit (``push_send``)
to every device of the recipient. Like mail, it never carries social data: a translated
"something is waiting in your portal" and the portal path to open. A device the push
service no longer knows (404, 410) is removed; other failures are retried a few times.
"""

from __future__ import annotations

import base64
import datetime as dt
import fnmatch
import json
import logging
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from py_vapid import Vapid
from pywebpush import WebPusher

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.core.exceptions import ValidationFailed

from .constants import PushStatus
from .models import PushNotification, PushSubscription

logger = logging.getLogger(__name__)

# Push services answer these when a subscription is gone for good (RFC 8030 § 7.3).
GONE = frozenset({404, 410})


# --- keys --------------------------------------------------------------------------------


@cache
def _vapid(private_pem: str) -> Vapid:
    return Vapid.from_pem(private_pem.encode())


def vapid() -> Vapid:
    return _vapid(settings.PUSH_VAPID_PRIVATE_KEY)


def vapid_public_key() -> str:
    """The application server key browsers subscribe with: the uncompressed P-256 point,
    base64url without padding."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


# --- subscriptions ------------------------------------------------------------------------


def endpoint_allowed(endpoint: str) -> bool:
    """Only endpoints of the known push services (``PUSH_ALLOWED_HOSTS``): the browser
    gives us the URL we will POST to, so anything else is refused (no requests to the
    internal network on a customer's say-so)."""
    try:
        url = urlsplit(endpoint)
        host = (url.hostname or "").lower()
    except ValueError:
        return False
    if not host or url.username or url.password:
        return False
    for entry in settings.PUSH_ALLOWED_HOSTS:
        allowed = urlsplit(entry.strip().lower())
        if allowed.scheme != url.scheme.lower() or not allowed.hostname:
            continue
        pattern = allowed.hostname
        if pattern.startswith("*."):
            if fnmatch.fnmatchcase(host, pattern) and host.count(".") >= pattern.count("."):
                return True
        elif host == pattern:
            return True
    return False


def _key_bytes(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _check_keys(p256dh: str, auth: str) -> None:
    try:
        point = _key_bytes(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        secret = _key_bytes(auth)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("This browser sent keys for notifications that do not work."), code="keys"
        ) from exc
    if len(secret) != 16:
        raise ValidationFailed(
            _("This browser sent keys for notifications that do not work."), code="keys"
        )


@dataclass(frozen=True)
class SubscriptionData:
    endpoint: str
    p256dh: str
    auth: str

    @classmethod
    def from_json(cls, data: Any) -> SubscriptionData:
        """From ``PushSubscription.toJSON()`` as the browser gives it."""
        try:
            keys = data["keys"]
            return cls(
                endpoint=str(data["endpoint"]).strip(),
                p256dh=str(keys["p256dh"]).strip(),
                auth=str(keys["auth"]).strip(),
            )
        except (KeyError, TypeError) as exc:
            raise ValidationFailed(
                _("This browser sent no usable subscription for notifications."),
                code="format",
            ) from exc


@transaction.atomic
def push_subscribe(*, user: User, data: SubscriptionData, user_agent: str = "") -> PushSubscription:
    """Turn push on for one device of ``user``. The same endpoint again updates its keys; an
    endpoint that belonged to another account (a shared device) moves to this one."""
    if len(data.endpoint) > 1000 or not endpoint_allowed(data.endpoint):
        raise ValidationFailed(
            _(
                "Notifications cannot be turned on for this browser: its push service is not "
                "one we may contact. Please use a current Chrome, Edge, Firefox or Safari."
            ),
            code="host",
        )
    _check_keys(data.p256dh, data.auth)
    subscription = (
        PushSubscription.objects.select_for_update().filter(endpoint=data.endpoint).first()
    )
    if subscription is None:
        if PushSubscription.objects.filter(user=user).count() >= settings.PUSH_MAX_DEVICES:
            raise ValidationFailed(
                _(
                    "You have turned notifications on for %(count)s devices already. Please "
                    "remove one first."
                )
                % {"count": settings.PUSH_MAX_DEVICES},
                code="too_many",
            )
        subscription = PushSubscription(endpoint=data.endpoint)
    previous_user_id = subscription.user_id if subscription.pk else None
    subscription.user = user
    subscription.p256dh = data.p256dh
    subscription.auth = data.auth
    subscription.user_agent = user_agent[:300]
    subscription.last_error = ""
    subscription.save()
    audit.record(
        "notifications.push_subscription.create",
        actor=user,
        subject=subscription,
        data={
            "host": urlsplit(data.endpoint).hostname,
            "moved": previous_user_id not in (None, user.pk),
        },
    )
    return subscription


@transaction.atomic
def push_unsubscribe(*, subscription: PushSubscription, actor: User | None) -> None:
    """Remove one device (the customer did, or the push service says it is gone)."""
    audit.record(
        "notifications.push_subscription.delete",
        actor=actor,
        subject=subscription,
        data={
            "host": urlsplit(subscription.endpoint).hostname,
            "by": "user" if actor else "service",
        },
    )
    subscription.delete()


# --- sending ------------------------------------------------------------------------------


@transaction.atomic
def push_notify(
    *, recipient: User, template: str, path: str, key: str = ""
) -> PushNotification | None:
    """Queue a push to every device of ``recipient``; it is sent after commit.

    Nothing is queued for a user without devices. With ``key`` the push goes out once only:
    a second call with the same key returns ``None`` (it is remembered even without devices).
    """
    if not key and not PushSubscription.objects.filter(user=recipient).exists():
        return None
    try:
        with transaction.atomic():
            notification = PushNotification.objects.create(
                recipient=recipient,
                template=template,
                path=path,
                key=key,
                language=recipient.language or settings.LANGUAGE_CODE,
            )
    except IntegrityError:
        return None  # sent already (the key is taken)
    _enqueue(notification.pk)
    return notification


def _enqueue(notification_id: int, run_after: dt.datetime | None = None) -> None:
    from .tasks import send_push_notification

    if run_after is None:
        transaction.on_commit(lambda: send_push_notification.enqueue(notification_id))
    else:
        transaction.on_commit(
            lambda: send_push_notification.using(run_after=run_after).enqueue(notification_id)
        )


def _can_defer() -> bool:
    """Retries need a task backend that runs a task later (the database backend does)."""
    from .tasks import send_push_notification

    return bool(send_push_notification.get_backend().supports_defer)


def render(notification: PushNotification) -> dict[str, str]:
    """The payload: title, body, the portal URL to open and a tag (one notification per
    kind on the device). Rendered in the recipient's language; no social data."""
    context = {"site_url": settings.SITE_URL, "path": notification.path}
    with translation.override(notification.language):
        title = render_to_string(f"notifications/push/{notification.template}.title.txt", context)
        body = render_to_string(f"notifications/push/{notification.template}.body.txt", context)
    return {
        "title": title.strip(),
        "body": body.strip(),
        "url": notification.path,
        "tag": notification.template,
    }


def retry_delay(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=settings.PUSH_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


def _session() -> requests.Session:
    session = requests.Session()
    session.max_redirects = 0  # a push service answers, it does not send us elsewhere
    return session


def _deliver(
    subscription: PushSubscription, payload: bytes, urgency: str
) -> tuple[int | None, str]:
    """POST one encrypted push; returns the HTTP status (None: no answer) and an error text."""
    if not endpoint_allowed(subscription.endpoint):
        return 403, "endpoint no longer allowed (PUSH_ALLOWED_HOSTS)"
    claims: dict[str, str | int] = {
        "sub": settings.PUSH_VAPID_SUBJECT,
        "aud": "{0.scheme}://{0.netloc}".format(urlsplit(subscription.endpoint)),
        "exp": int(timezone.now().timestamp()) + 12 * 3600,
    }
    headers = {**vapid().sign(claims), "Urgency": urgency}
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    with _session() as session:
        try:
            response = WebPusher(info, requests_session=session).send(
                payload,
                headers,
                ttl=settings.PUSH_TTL_SECONDS,
                content_encoding="aes128gcm",
                timeout=settings.PUSH_TIMEOUT_SECONDS,
            )
        except (requests.RequestException, OSError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}"[:300]
    assert not isinstance(response, str)
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code} {response.reason}"[:300]


def push_send(*, notification_id: int) -> PushNotification | None:
    """Send a queued push to the recipient's devices not reached yet. Safe to run twice: a
    device that got it is not sent it again, a finished push is left alone."""
    with transaction.atomic():
        notification = (
            PushNotification.objects.select_for_update().filter(pk=notification_id).first()
        )
        if notification is None or notification.status != PushStatus.QUEUED:
            return notification
        notification.attempts += 1
        notification.save(update_fields=["attempts", "updated_at"])
    message = render(notification)
    payload = json.dumps(message, ensure_ascii=False).encode()
    urgency = "high" if notification.key else "normal"
    delivered = list(notification.delivered_to)
    subscriptions = list(
        PushSubscription.objects.filter(user_id=notification.recipient_id).exclude(pk__in=delivered)
    )
    retry, errors = False, []
    for subscription in subscriptions:  # outside any transaction: no lock while waiting
        status, error = _deliver(subscription, payload, urgency)
        now = timezone.now()
        if not error:
            delivered.append(subscription.pk)
            PushSubscription.objects.filter(pk=subscription.pk).update(
                last_success_at=now, last_error="", updated_at=now
            )
        elif status in GONE:
            push_unsubscribe(subscription=subscription, actor=None)
            errors.append(f"{subscription.uuid}: gone ({status})")
        else:
            logger.warning("push to %s failed: %s", urlsplit(subscription.endpoint).hostname, error)
            PushSubscription.objects.filter(pk=subscription.pk).update(
                last_error=error, updated_at=now
            )
            errors.append(f"{subscription.uuid}: {error}")
            # Rate limits, server errors and no answer pass; other refusals will not.
            retry = retry or status is None or status == 429 or status >= 500
    with transaction.atomic():
        notification = PushNotification.objects.select_for_update().get(pk=notification_id)
        notification.delivered_to = delivered
        notification.result = "\n".join(errors)[:2000] or f"delivered to {len(delivered)}"
        if retry and notification.attempts < settings.PUSH_MAX_ATTEMPTS and _can_defer():
            _enqueue(notification.pk, run_after=timezone.now() + retry_delay(notification.attempts))
        else:
            notification.status = PushStatus.SENT if delivered or not errors else PushStatus.FAILED
            notification.sent_at = timezone.now() if delivered else None
        notification.save()
        audit.record(
            f"notifications.push.{notification.status}",
            subject=notification,
            data={
                "template": notification.template,
                "delivered": len(delivered),
                "failed": len(errors),
                "attempt": notification.attempts,
            },
        )
    return notification
