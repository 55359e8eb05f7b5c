"""The only way UI code fetches threads, messages and canned replies: missing and forbidden
both give 404. Staff reads of a thread are audited by ``thread_mark_read`` in the view."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from amtsbote.accounts.models import User
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Person

from .models import CannedReply, Message, Thread
from .selectors import (
    canned_replies_for,
    threads_for_customer,
    threads_for_representative,
    threads_for_staff,
)


def access_thread_for_customer(
    user: User, thread_uuid: uuid.UUID | str, *, on_behalf_of: Person | None = None
) -> Thread:
    """A thread of this customer (not one of another household member); with
    ``on_behalf_of``, a thread of the person ``user`` writes for under a grant in force."""
    threads = (
        threads_for_representative(user, on_behalf_of)
        if on_behalf_of is not None
        else threads_for_customer(user)
    )
    try:
        return threads.get(uuid=thread_uuid)
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


def access_message_for_customer(
    user: User, message_uuid: uuid.UUID | str, *, on_behalf_of: Person | None = None
) -> Message:
    """A message sent in this customer's thread by them or by a representative in their
    name (the basis of a receipt); with ``on_behalf_of``, a message ``user`` sent as the
    representative of that person, while the grant ("write messages") is in force."""
    if not user.is_authenticated:
        raise Http404("no such message")
    if on_behalf_of is not None:
        granted = represented_people(user, RepresentationScope.WRITE_MESSAGES)
        mine = Q(
            author=user,
            on_behalf_of=on_behalf_of,
            thread__person=on_behalf_of,
            thread__person_id__in=granted.filter(pk=on_behalf_of.pk).values("id"),
        )
    else:
        mine = Q(thread__person__user=user) & (Q(author=user) | Q(on_behalf_of__user=user))
    try:
        return (
            Message.objects.select_related(
                "thread__case__jobcenter", "thread__person", "author", "on_behalf_of"
            )
            .filter(mine, from_staff=False)
            .get(uuid=message_uuid)
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
