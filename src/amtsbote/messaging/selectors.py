"""Reads for messages; every queryset is scoped to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from amtsbote.accounts.models import User
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Case, Jobcenter, Person
from amtsbote.cases.selectors import cases_for_staff

from .constants import InboxFilter, ThreadStatus
from .models import CannedReply, Message, Thread, ThreadRead, Topic

# "Never read": earlier than any message.
_NEVER = Value(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))


def topics_for_jobcenter(jobcenter: Jobcenter | int) -> QuerySet[Topic]:
    return Topic.objects.filter(jobcenter=jobcenter, is_active=True).select_related("team")


def _with_list_details(threads: QuerySet[Thread]) -> QuerySet[Thread]:
    return threads.select_related("case", "person", "team", "topic", "assigned_to")


def threads_for_customer(user: User) -> QuerySet[Thread]:
    """The customer's own threads (a thread belongs to the household member it is with),
    newest first, with ``unread``: a staff message after the customer last looked."""
    if not user.is_authenticated:
        return Thread.objects.none()
    staff_after_read = Message.objects.filter(
        thread=OuterRef("pk"), from_staff=True, created_at__gt=OuterRef("read_mark")
    )
    return (
        Thread.objects.filter(person__user=user)
        .select_related("case__jobcenter", "person", "team", "topic")
        .annotate(read_mark=Coalesce("customer_read_at", _NEVER))
        .annotate(unread=Exists(staff_after_read))
        .order_by("-last_message_at", "-id")
    )


def threads_for_representative(user: User, person: Person) -> QuerySet[Thread]:
    """The threads of ``person`` while ``user`` holds a grant in force with "write messages"
    for them (else none), newest first, with ``unread``: a staff message after the
    representative last looked (their own marker, not the customer's)."""
    if not user.is_authenticated:
        return Thread.objects.none()
    granted = represented_people(user, RepresentationScope.WRITE_MESSAGES).filter(pk=person.pk)
    my_read = Subquery(
        ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
    )
    staff_after_read = Message.objects.filter(
        thread=OuterRef("pk"), from_staff=True, created_at__gt=OuterRef("read_mark")
    )
    return (
        Thread.objects.filter(person_id__in=granted.values("id"))
        .select_related("case__jobcenter", "person", "team", "topic")
        .annotate(read_mark=Coalesce(my_read, _NEVER))
        .annotate(unread=Exists(staff_after_read))
        .order_by("-last_message_at", "-id")
    )


def unread_thread_count_for_customer(user: User) -> int:
    return threads_for_customer(user).filter(Q(unread=True)).count()


def threads_for_staff(user: User) -> QuerySet[Thread]:
    """Threads routed to one of the user's teams, or of a household one of them works on."""
    if not user.is_authenticated or not user.works_on_cases or user.jobcenter_id is None:
        return Thread.objects.none()
    return Thread.objects.filter(case__jobcenter_id=user.jobcenter_id).filter(
        Q(team_id__in=user.teams.values("id")) | Q(case_id__in=cases_for_staff(user).values("id"))
    )


def _with_staff_unread(threads: QuerySet[Thread], user: User) -> QuerySet[Thread]:
    """``unread`` per staff member: a customer message after this user last read it."""
    my_read = Subquery(
        ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("read_at")[:1]
    )
    customer_after_read = Message.objects.filter(
        thread=OuterRef("pk"), from_staff=False, created_at__gt=OuterRef("read_mark")
    )
    return threads.annotate(read_mark=Coalesce(my_read, _NEVER)).annotate(
        unread=Exists(customer_after_read)
    )


def team_inbox(user: User, *, show: str = InboxFilter.OPEN) -> QuerySet[Thread]:
    """Threads of the user's teams: open, assigned to me, not assigned, or closed."""
    threads = threads_for_staff(user).filter(team_id__in=user.teams.values("id"))
    if show == InboxFilter.CLOSED:
        threads = threads.filter(status=ThreadStatus.CLOSED)
    else:
        threads = threads.filter(status=ThreadStatus.OPEN)
        if show == InboxFilter.MINE:
            threads = threads.filter(assigned_to=user)
        elif show == InboxFilter.UNASSIGNED:
            threads = threads.filter(assigned_to__isnull=True)
    return _with_staff_unread(_with_list_details(threads), user).order_by("-last_message_at", "-id")


def unread_thread_count_for_staff(user: User) -> int:
    return team_inbox(user).filter(Q(unread=True)).count()


def threads_for_case(case: Case, user: User) -> QuerySet[Thread]:
    return _with_staff_unread(
        _with_list_details(threads_for_staff(user).filter(case=case)), user
    ).order_by("-last_message_at", "-id")


def messages_of(thread: Thread) -> QuerySet[Message]:
    return thread.messages.select_related("author", "document", "on_behalf_of").prefetch_related(
        Prefetch("document__originals")
    )


def canned_replies_for(user: User) -> QuerySet[CannedReply]:
    if not user.is_authenticated or user.jobcenter_id is None:
        return CannedReply.objects.none()
    return CannedReply.objects.filter(jobcenter_id=user.jobcenter_id).order_by("title", "id")


def team_members(thread: Thread) -> QuerySet[User]:
    """Who can take the thread: caseworkers in its team."""
    return (
        User.objects.filter(teams=thread.team_id, jobcenter_id=thread.case.jobcenter_id)
        .filter(role__in=["caseworker", "team_lead"])
        .order_by("last_name", "first_name", "id")
    )
