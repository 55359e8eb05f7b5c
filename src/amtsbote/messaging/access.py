"""The only way UI code fetches threads, messages and canned replies: missing and forbidden
both give 404. Staff reads of a thread are audited by ``thread_mark_read`` in the view."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from amtsbote.accounts.models import User

from .models import CannedReply, Message, Thread
from .selectors import canned_replies_for, threads_for_customer, threads_for_staff


def access_thread_for_customer(user: User, thread_uuid: uuid.UUID | str) -> Thread:
    """A thread of this customer (not one of another household member)."""
    try:
        return threads_for_customer(user).get(uuid=thread_uuid)
    except (Thread.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such thread") from exc


def access_thread_for_staff(user: User, thread_uuid: uuid.UUID | str) -> Thread:
    try:
        return (
            threads_for_staff(user)
            .select_related("case__jobcenter", "person__user", "team", "topic", "assigned_to")
            .select_related("record", "regarding")
            .get(uuid=thread_uuid)
        )
    except (Thread.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such thread") from exc


def access_message_for_customer(user: User, message_uuid: uuid.UUID | str) -> Message:
    """A message this customer sent (the basis of a receipt)."""
    if not user.is_authenticated:
        raise Http404("no such message")
    try:
        return Message.objects.select_related("thread__case__jobcenter", "thread__person").get(
            uuid=message_uuid, author=user, from_staff=False, thread__person__user=user
        )
    except (Message.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such message") from exc


def access_canned_reply_for_staff(user: User, reply_uuid: uuid.UUID | str) -> CannedReply:
    if not getattr(user, "works_on_cases", False):
        raise Http404("no such canned reply")
    try:
        return canned_replies_for(user).get(uuid=reply_uuid)
    except (CannedReply.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such canned reply") from exc
