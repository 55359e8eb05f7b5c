"""Messages on the desk: the team inbox, one thread (reply, assign, close), a new message to
a customer from the case page, and the jobcenter's canned replies (Textbausteine)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amtsbote.accounts.models import User
from amtsbote.cases.access import access_case_for_staff, record_case_read
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.messaging.access import access_canned_reply_for_staff, access_thread_for_staff
from amtsbote.messaging.constants import InboxFilter
from amtsbote.messaging.models import Thread
from amtsbote.messaging.selectors import (
    canned_replies_for,
    messages_of,
    team_members,
    threads_for_case,
)
from amtsbote.messaging.selectors import team_inbox as inbox_threads
from amtsbote.messaging.services import (
    canned_reply_create,
    canned_reply_delete,
    thread_assign,
    thread_close,
    thread_mark_read,
    thread_reply,
    thread_start_by_staff,
)

from ..decorators import staff_required, staff_user
from ..forms_messaging import AssignForm, CannedReplyForm, ReplyForm, ThreadStartForm


@require_GET
@staff_required
def team_inbox(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", InboxFilter.OPEN)
    if show not in InboxFilter.values:
        show = InboxFilter.OPEN
    threads = list(inbox_threads(staff_user(request), show=show))
    # The page polls the list alone (htmx), so that new messages appear without reload.
    partial = bool(request.htmx)  # type: ignore[attr-defined]
    template = "desk/messaging/_threads.html" if partial else "desk/messaging/inbox.html"
    return render(
        request,
        template,
        {"threads": threads, "show": show, "filters": InboxFilter.choices},
    )


def _thread_page(
    request: HttpRequest, thread: Thread, *, reply_form: ReplyForm | None = None, status: int = 200
) -> HttpResponse:
    user = staff_user(request)
    canned = list(canned_replies_for(user))
    if reply_form is None:
        initial = {}
        if chosen := request.GET.get("canned"):
            initial["body"] = access_canned_reply_for_staff(user, chosen).body
        reply_form = ReplyForm(initial=initial)
    return render(
        request,
        "desk/messaging/thread.html",
        {
            "thread": thread,
            "thread_messages": list(messages_of(thread)),
            "reply_form": reply_form,
            "assign_form": AssignForm(
                initial={"assignee": thread.assigned_to_id}, members=team_members(thread)
            ),
            "canned_replies": canned,
            "case": thread.case,
        },
        status=status,
    )


@require_GET
@staff_required
def thread_detail(request: HttpRequest, thread_uuid: uuid.UUID) -> HttpResponse:
    thread = access_thread_for_staff(staff_user(request), thread_uuid)
    # A staff read of social data: recorded, and the thread is read for this person.
    thread_mark_read(thread=thread, user=staff_user(request))
    return _thread_page(request, thread)


@require_POST
@staff_required
def thread_reply_view(request: HttpRequest, thread_uuid: uuid.UUID) -> HttpResponse:
    thread = access_thread_for_staff(staff_user(request), thread_uuid)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            thread_reply(thread=thread, author=staff_user(request), body=form.cleaned_data["body"])
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your answer was sent. The customer gets an e-mail."))
            return redirect("desk:thread", thread_uuid=thread.uuid)
    return _thread_page(request, thread, reply_form=form, status=400)


@require_POST
@staff_required
def thread_assign_view(request: HttpRequest, thread_uuid: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    thread = access_thread_for_staff(user, thread_uuid)
    if request.POST.get("me"):
        assignee: User | None = user
    else:
        form = AssignForm(request.POST, members=team_members(thread))
        if not form.is_valid():
            messages.error(request, _("Please choose a member of the team."))
            return redirect("desk:thread", thread_uuid=thread.uuid)
        assignee = form.cleaned_data["assignee"]
    try:
        thread_assign(thread=thread, assignee=assignee, actor=user)
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assignment was saved."))
    return redirect("desk:thread", thread_uuid=thread.uuid)


@require_POST
@staff_required
def thread_close_view(request: HttpRequest, thread_uuid: uuid.UUID) -> HttpResponse:
    thread = access_thread_for_staff(staff_user(request), thread_uuid)
    try:
        thread_close(thread=thread, actor=staff_user(request))
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The conversation was closed and filed in the e-file."))
    return redirect("desk:thread", thread_uuid=thread.uuid)


@require_GET
@staff_required
def case_threads(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    case = access_case_for_staff(user, case_uuid)
    record_case_read(user, case, view="messages")
    return render(
        request,
        "desk/messaging/case_threads.html",
        {"case": case, "threads": list(threads_for_case(case, user))},
    )


@require_http_methods(["GET", "POST"])
@staff_required
def thread_start_view(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    case = access_case_for_staff(user, case_uuid)
    form = ThreadStartForm(
        request.POST or None,
        people=case.people.filter(user__isnull=False).order_by("position", "id"),
        teams=user.teams.filter(jobcenter_id=case.jobcenter_id).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = thread_start_by_staff(actor=user, **form.cleaned_data)
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The message was sent. The customer gets an e-mail."))
            return redirect("desk:thread", thread_uuid=thread.uuid)
    return render(request, "desk/messaging/thread_form.html", {"case": case, "form": form})


@require_http_methods(["GET", "POST"])
@staff_required
def canned_replies(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = CannedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            canned_reply_create(actor=user, **form.cleaned_data)
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The canned reply was saved."))
            return redirect("desk:canned_replies")
    return render(
        request,
        "desk/messaging/canned_replies.html",
        {"form": form, "replies": list(canned_replies_for(user))},
    )


@require_POST
@staff_required
def canned_reply_delete_view(request: HttpRequest, reply_uuid: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    reply = access_canned_reply_for_staff(user, reply_uuid)
    try:
        canned_reply_delete(reply=reply, actor=user)
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    return redirect("desk:canned_replies")
