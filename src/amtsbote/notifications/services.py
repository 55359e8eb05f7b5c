"""E-mail notifications: queued in the transaction, sent by a task after commit.

Mail never carries social data: it says that something is waiting in the portal and links
there. It is rendered in the recipient's language.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from amtsbote import audit
from amtsbote.accounts.models import User

from .constants import EmailStatus
from .models import EmailNotification
from .push import push_notify


class _ReplyRecordingSMTP(smtplib.SMTP):
    """Keeps the server's answer to the message data (``250 2.0.0 Ok: queued as …``)."""

    last_data_reply: tuple[int, bytes] | None = None

    def data(self, msg: Any) -> tuple[int, bytes]:
        reply = super().data(msg)
        self.last_data_reply = reply
        return reply


class _ReplyRecordingSMTPSSL(smtplib.SMTP_SSL):
    last_data_reply: tuple[int, bytes] | None = None

    def data(self, msg: Any) -> tuple[int, bytes]:
        reply = super().data(msg)
        self.last_data_reply = reply
        return reply


class ReplyRecordingEmailBackend(SmtpBackend):
    """Django's SMTP backend that remembers what the server answered to the last message.

    That answer is the delivery evidence of a notification (§ 37 Abs. 2a SGB X): the
    authority must be able to show that the notification reached the mail system.
    """

    @property
    def connection_class(self) -> type[smtplib.SMTP]:  # type: ignore[override]
        return _ReplyRecordingSMTPSSL if self.use_ssl else _ReplyRecordingSMTP

    def last_reply(self) -> str:
        reply = getattr(self.connection, "last_data_reply", None)
        if reply is None:
            return ""
        code, text = reply
        return f"{code} {text.decode('utf-8', 'replace')}".strip()


@transaction.atomic
def email_notify(
    *,
    recipient: User,
    template: str,
    context: dict[str, Any] | None = None,
    send_after_commit: bool = True,
) -> EmailNotification:
    """Queue a notification; it is sent after commit (or by the caller's own task when
    ``send_after_commit`` is False, which then calls ``email_send``)."""
    notification = EmailNotification.objects.create(
        recipient=recipient,
        to_address=recipient.email,
        template=template,
        context=context or {},
        language=recipient.language or settings.LANGUAGE_CODE,
    )
    if not send_after_commit:
        return notification
    from .tasks import send_email_notification

    transaction.on_commit(lambda: send_email_notification.enqueue(notification.pk))
    return notification


@transaction.atomic
def notify(*, recipient: User, template: str, path: str) -> EmailNotification:
    """Tell ``recipient`` that something waits at ``path`` in the portal: by e-mail and by
    push to their devices (``push.push_notify``), both after commit."""
    push_notify(recipient=recipient, template=template, path=path)
    return email_notify(recipient=recipient, template=template, context={"path": path})


def render(notification: EmailNotification) -> tuple[str, str]:
    context = {**notification.context, "site_url": settings.SITE_URL}
    with translation.override(notification.language):
        subject = render_to_string(
            f"notifications/email/{notification.template}.subject.txt", context
        ).strip()
        body = render_to_string(f"notifications/email/{notification.template}.txt", context)
    return subject, body


def email_send(*, notification_id: int) -> EmailNotification | None:
    """Send one queued notification and record the server's answer. Safe to run twice."""
    with transaction.atomic():
        notification = (
            EmailNotification.objects.select_for_update().filter(pk=notification_id).first()
        )
        if notification is None or notification.status == EmailStatus.SENT:
            return notification
        notification.attempts += 1
        notification.save(update_fields=["attempts", "updated_at"])
    subject, body = render(notification)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.to_address],
    )
    connection = get_connection()
    if type(connection) is SmtpBackend:
        connection = ReplyRecordingEmailBackend()
    message.connection = connection
    try:
        connection.open()
        try:
            accepted = message.send()
            reply = (
                connection.last_reply()
                if isinstance(connection, ReplyRecordingEmailBackend)
                else ""
            )
        finally:
            connection.close()
        status = EmailStatus.SENT if accepted else EmailStatus.FAILED
        result = reply or ("accepted by server" if accepted else "not accepted")
    except (smtplib.SMTPException, OSError) as exc:
        status, result = EmailStatus.FAILED, f"{type(exc).__name__}: {exc}"
    with transaction.atomic():
        notification.subject = subject[:200]
        notification.status = status
        notification.smtp_result = result
        notification.sent_at = timezone.now() if status == EmailStatus.SENT else None
        notification.save(
            update_fields=["subject", "status", "smtp_result", "sent_at", "updated_at"]
        )
        audit.record(
            f"notifications.email.{status}",
            subject=notification,
            data={"template": notification.template, "result": result},
        )
    return notification
