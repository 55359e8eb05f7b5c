"""Feedback on the accessibility statement (BITV 2.0 § 7): store it, mail the contact, throttle.

The statement and its form must be reachable without an account, so a report may come from
anyone. The contact address (``ACCESSIBILITY_CONTACT_EMAIL``) gets each report by mail after
the transaction commits; without one configured the reports are only stored.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amtsbote.core.exceptions import ValidationFailed
from amtsbote.core.models import AccessibilityFeedback

logger = logging.getLogger(__name__)

FEEDBACK_THROTTLED = _(
    "You have sent many reports in the last hour. Please wait a while and try again."
)
FEEDBACK_PER_HOUR_DEFAULT = 10
MESSAGE_MAX_LENGTH_DEFAULT = 5000


def message_max_length() -> int:
    return int(getattr(settings, "ACCESSIBILITY_FEEDBACK_MAX_LENGTH", MESSAGE_MAX_LENGTH_DEFAULT))


def accessibility_feedback_count(*, sender_key: str) -> None:
    """Count one report from ``sender_key`` (a user or a client address); refuse it once the
    hourly limit is used up. Counted in fixed one-hour windows, like the upload throttle."""
    key = f"a11y-feedback:{sender_key}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    limit = int(getattr(settings, "ACCESSIBILITY_FEEDBACK_PER_HOUR", FEEDBACK_PER_HOUR_DEFAULT))
    if cache.incr(key) > limit:
        raise ValidationFailed(str(FEEDBACK_THROTTLED), code="throttled")


@transaction.atomic
def accessibility_feedback_create(
    *,
    message: str,
    page_url: str = "",
    name: str = "",
    email: str = "",
    language: str = "",
    user: Any = None,
) -> AccessibilityFeedback:
    """Store a reported barrier; after commit, mail it to the accessibility contact."""
    message = message.strip()
    if not message:
        raise ValidationFailed(gettext("Please describe the barrier."), code="empty")
    if len(message) > message_max_length():
        raise ValidationFailed(gettext("The description is too long."), code="too_long")
    feedback = AccessibilityFeedback.objects.create(
        message=message,
        page_url=page_url[:500],
        name=name.strip()[:200],
        email=email.strip(),
        language=language[:10],
        user=user if user is not None and user.is_authenticated else None,
    )
    transaction.on_commit(lambda: accessibility_feedback_mail(feedback_id=feedback.pk))
    return feedback


def accessibility_feedback_mail(*, feedback_id: int) -> None:
    """Mail one report to the configured contact, in the default language (staff read it)."""
    recipient = getattr(settings, "ACCESSIBILITY_CONTACT_EMAIL", "")
    if not recipient:
        return
    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    if feedback is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = gettext("Accessibility feedback from the portal")
        details = [
            (gettext("Page"), feedback.page_url),
            (gettext("Language"), feedback.language),
            (gettext("Name"), feedback.name),
            (gettext("E-mail address"), feedback.email),
            (gettext("Signed in"), gettext("yes") if feedback.user_id else gettext("no")),
        ]
        lines = [
            gettext("Someone reported a barrier in the portal."),
            "",
            *(f"{label}: {value or '–'}" for label, value in details),
            "",
            feedback.message,
        ]
    prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    mail = EmailMessage(
        subject=f"{prefix}{subject}",
        body="\n".join(lines),
        to=[recipient],
        reply_to=[feedback.email] if feedback.email else None,
    )
    try:
        mail.send()
    except OSError:
        # The report is stored either way (AccessibilityFeedback); the log says the mail failed.
        logger.exception("accessibility feedback %s: mail to the contact failed", feedback_id)
