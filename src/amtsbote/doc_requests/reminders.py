"""Reminders before a document request's deadline (push to the customer's devices)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from amtsbote.accounts.models import User
from amtsbote.notifications.push import push_notify

from .constants import RequestStatus
from .models import DocRequest
from .selectors import doc_request_readers


def doc_request_deadline_reminders(*, now: dt.datetime | None = None) -> int:
    """Push "a deadline ends soon" to those who see an open request due within
    ``PUSH_DEADLINE_REMINDER_DAYS`` days (not past, not created in the last day: that one
    was just announced). Once per request, deadline and person (``push_notify``'s key): safe
    to run any number of times. Returns how many pushes were queued."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = DocRequest.objects.filter(
        status__in=[RequestStatus.OPEN, RequestStatus.PARTLY],
        deadline__gte=today,
        deadline__lte=today + dt.timedelta(days=settings.PUSH_DEADLINE_REMINDER_DAYS),
        created_at__lte=now - dt.timedelta(days=1),
    ).order_by("deadline", "id")
    count = 0
    for request in due:
        path = reverse("portal:request", args=[request.uuid])
        key = f"doc_request_deadline:{request.uuid}:{request.deadline.isoformat()}"
        for user in User.objects.filter(person__in=doc_request_readers(request)).order_by("id"):
            if push_notify(recipient=user, template="doc_request_deadline", path=path, key=key):
                count += 1
    return count
