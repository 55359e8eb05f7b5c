"""E-mail notifications: queued in the transaction, sent by a task after commit.

Mail never carries social data: it says that something is waiting in the portal and links
there. It is rendered in the recipient's language.
"""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from amtsbote import audit
from amtsbote.accounts.models import User

from .constants import EmailStatus
from .models import EmailNotification


@transaction.atomic
def email_notify(
    *, recipient: User, template: str, context: dict[str, Any] | None = None
) -> EmailNotification:
    notification = EmailNotification.objects.create(
        recipient=recipient,
        to_address=recipient.email,
        template=template,
        context=context or {},
        language=recipient.language or settings.LANGUAGE_CODE,
    )
    from .tasks import send_email_notification

    transaction.on_commit(lambda: send_email_notification.enqueue(notification.pk))
    return notification


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
        connection=get_connection(),
    )
    try:
        accepted = message.send()
        status = EmailStatus.SENT if accepted else EmailStatus.FAILED
        result = "accepted by server" if accepted else "not accepted"
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
