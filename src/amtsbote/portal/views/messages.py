"""Nachrichten: the customer's threads with the case team, a new message, receipts.

A thread belongs to the household member who started it (or whom staff wrote to); other
members of the household do not see it. Attachments go into the e-file like any upload.

A representative acting under a grant with "write messages" (see ``representation.py``)
sees the threads of the person they act for and writes in that person's name; every page
here is 404 to one acting under a grant without that scope.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtsbote.accounts.throttles import upload_send_count
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Person
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.core.sealing import seal_pdf
from amtsbote.documents.processing import (
    accepted_formats_text,
    check_size,
    html_to_pdf,
    sanitise_filename,
)
from amtsbote.messaging.access import access_message_for_customer, access_thread_for_customer
from amtsbote.messaging.models import Message
from amtsbote.messaging.selectors import (
    messages_of,
    threads_for_customer,
    threads_for_representative,
    topics_for_jobcenter,
)
from amtsbote.messaging.services import (
    message_send_by_customer,
    thread_mark_read,
    thread_start,
    topic_defaults_ensure,
)
from amtsbote.postbox.access import access_letter_for_customer

from ..forms_messaging import MessageForm, ThreadForm
from .http import AuthenticatedRequest
from .representation import own_person, require_scope
from .uploads import FILE_ACCEPT

FILE_FIELDS = ("photos", "files")


def _files(request: AuthenticatedRequest) -> list[tuple[str, bytes]]:
    """Photos and files from both pickers; a file over the limit is refused unread."""
    uploads = [upload for name in FILE_FIELDS for upload in request.FILES.getlist(name)]
    if uploads:
        upload_send_count(user=request.user)
    for upload in uploads:
        # the name is shown in the error message: no path or bidi characters in it
        check_size(sanitise_filename(upload.name or ""), upload.size or 0)
    return [(upload.name or "", upload.read()) for upload in uploads]


def _upload_context() -> dict[str, Any]:
    return {
        "file_accept": FILE_ACCEPT,
        "accepted_formats": accepted_formats_text(),
        "max_files": settings.UPLOAD_MAX_FILES,
        "max_file_mb": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024),
    }


def _acting(request: AuthenticatedRequest) -> tuple[Person, Person | None]:
    """Whose messages these are, and for whom the account writes: ``(person, None)`` for
    the customer's own, ``(person, person)`` for a representative acting under a grant
    with "write messages". 404 under a grant without that scope, and for an account
    without a household of its own that acts for nobody."""
    grant = require_scope(request, RepresentationScope.WRITE_MESSAGES)
    if grant is not None:
        return grant.person, grant.person
    return own_person(request), None


def sent_by(message: Message) -> str:
    """Who sent a customer's message, as the receipt names it: the customer, or "Rita Rat
    for Anna Schmidt (representative)" (the names as they were when it was sent)."""
    if message.on_behalf_of_id is None:
        return message.thread.person.full_name
    behalf = (message.manifest or {}).get("on_behalf_of") or {}
    author = message.author
    return _("%(representative)s for %(person)s (representative)") % {
        "representative": behalf.get("representative") or author.get_full_name() or author.email,
        "person": behalf.get("name") or message.thread.person.full_name,
    }


@require_GET
@login_required
def messages(request: AuthenticatedRequest) -> HttpResponse:
    person, on_behalf_of = _acting(request)
    threads = (
        threads_for_representative(request.user, on_behalf_of)
        if on_behalf_of is not None
        else threads_for_customer(request.user)
    )
    return render(
        request,
        "portal/messaging/list.html",
        {"threads": list(threads), "person": person, "on_behalf_of": on_behalf_of},
    )


@require_http_methods(["GET", "POST"])
@login_required
def thread_new(request: AuthenticatedRequest) -> HttpResponse:
    person, on_behalf_of = _acting(request)
    jobcenter = person.case.jobcenter
    topics = topics_for_jobcenter(jobcenter)
    if not topics.exists():
        topic_defaults_ensure(jobcenter=jobcenter)
    letter = None
    if letter_uuid := request.GET.get("letter") or request.POST.get("letter"):
        letter = access_letter_for_customer(request.user, letter_uuid)
    initial: dict[str, Any] = {}
    if letter is not None:
        initial["subject"] = _("Question about: %(subject)s") % {"subject": letter.subject}
        initial["topic"] = topics.filter(code="leistung").first()
    form = ThreadForm(request.POST or None, initial=initial, topics=topics)
    status = 200
    if request.method == "POST":
        try:
            if form.is_valid():
                message = thread_start(
                    customer=request.user,
                    topic=form.cleaned_data["topic"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    files=_files(request),
                    regarding=letter.document if letter else None,
                    on_behalf_of=on_behalf_of,
                )
                return redirect("portal:message_receipt", message_uuid=message.uuid)
        except (TooManyFilesSent, RequestDataTooBig):
            form.add_error(
                None,
                _("Please send at most %(max)s files at once.")
                % {"max": settings.UPLOAD_MAX_FILES},
            )
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        status = 400
    return render(
        request,
        "portal/messaging/new.html",
        {"form": form, "letter": letter, "on_behalf_of": on_behalf_of, **_upload_context()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def thread(request: AuthenticatedRequest, thread_uuid: str) -> HttpResponse:
    _person, on_behalf_of = _acting(request)
    found = access_thread_for_customer(request.user, thread_uuid, on_behalf_of=on_behalf_of)
    form = MessageForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            if form.is_valid():
                message = message_send_by_customer(
                    thread=found,
                    customer=request.user,
                    body=form.cleaned_data["body"],
                    files=_files(request),
                    on_behalf_of=on_behalf_of,
                )
                return redirect("portal:message_receipt", message_uuid=message.uuid)
        except (TooManyFilesSent, RequestDataTooBig):
            form.add_error(
                None,
                _("Please send at most %(max)s files at once.")
                % {"max": settings.UPLOAD_MAX_FILES},
            )
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        status = 400
    else:
        thread_mark_read(thread=found, user=request.user, on_behalf_of=on_behalf_of)
    thread_messages = list(messages_of(found))
    for message in thread_messages:
        # The customer sees every receipt of their thread (also of what was sent in their
        # name); a representative only the receipts of what they sent themselves.
        message.receipt_visible = bool(message.reference) and (  # type: ignore[attr-defined]
            message.author_id == request.user.pk or on_behalf_of is None
        )
    return render(
        request,
        "portal/messaging/thread.html",
        {
            "thread": found,
            "thread_messages": thread_messages,
            "form": form,
            "on_behalf_of": on_behalf_of,
            **_upload_context(),
        },
        status=status,
    )


def _receipt_context(request: AuthenticatedRequest, message: Message) -> dict[str, Any]:
    manifest = message.manifest or {}
    received_at = message.created_at
    if raw := manifest.get("received_at"):
        with contextlib.suppress(ValueError):
            received_at = dt.datetime.fromisoformat(raw)
    files = manifest.get("files", [])
    return {
        "message": message,
        "thread": message.thread,
        "received_at": received_at,
        "files": files,
        "total_files": len(files),
        "total_pages": sum(f.get("pages", 0) for f in files),
        "text_sha256": manifest.get("text_sha256", ""),
        "jobcenter": message.thread.case.jobcenter,
        "customer_name": message.thread.person.full_name,
        "sent_by": sent_by(message),
    }


def _receipt_message(request: AuthenticatedRequest, message_uuid: str) -> Message:
    _person, on_behalf_of = _acting(request)
    return access_message_for_customer(request.user, message_uuid, on_behalf_of=on_behalf_of)


@require_GET
@login_required
def message_receipt(request: AuthenticatedRequest, message_uuid: str) -> HttpResponse:
    message = _receipt_message(request, message_uuid)
    return render(request, "portal/messaging/receipt.html", _receipt_context(request, message))


@require_GET
@login_required
def message_receipt_pdf(request: AuthenticatedRequest, message_uuid: str) -> HttpResponse:
    message = _receipt_message(request, message_uuid)
    context = _receipt_context(request, message)
    context["verify_url"] = settings.SITE_URL + reverse("portal:verify")
    html = render_to_string("portal/messaging/receipt_pdf.html", context, request=request)
    pdf = seal_pdf(
        html_to_pdf(html),
        reason=_("Receipt %(reference)s") % {"reference": message.reference},
        location=message.thread.case.jobcenter.name,
    )
    return file_response(
        pdf,
        content_type="application/pdf",
        filename=f"Eingangsbestaetigung-{message.reference}.pdf",
    )
