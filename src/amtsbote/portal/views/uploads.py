"""The upload page of one document request: photos and files per item, one send."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from amtsbote.accounts.models import User
from amtsbote.accounts.throttles import upload_send_count
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.doc_requests.access import access_doc_request_for_customer, sender_for
from amtsbote.doc_requests.models import DocRequest, DocRequestItem
from amtsbote.doc_requests.selectors import submission_sent_before
from amtsbote.doc_requests.services import submission_create
from amtsbote.documents.processing import accepted_formats_text, check_size, sanitise_filename

from .http import AuthenticatedRequest, wants_json

# What the "Choose file" button offers; the server checks every file by its content anyway.
FILE_ACCEPT = "application/pdf,image/jpeg,image/png,image/heic,.heic,.heif,.pdf,.jpg,.jpeg,.png"


def _script_strings() -> dict[str, str]:
    """Texts the upload script shows, translated here (placeholders: %(n)s, %(total)s …)."""
    return {
        "page": _("Page %(n)s"),
        "remove": _("Remove page %(n)s"),
        "up": _("Move page %(n)s up"),
        "down": _("Move page %(n)s down"),
        "removed": _("Page removed."),
        "moved": _("Page %(n)s is now page %(to)s."),
        "added_one": _("1 page chosen for this document."),
        "added": _("%(count)s pages chosen for this document."),
        "none": _("No pages chosen yet."),
        "ready_one": _("1 page ready to send."),
        "ready": _("%(total)s pages ready to send."),
        "empty": _("Please take a photo or choose a file first."),
        "preparing": _("Preparing photos …"),
        "uploading": _("Sending … %(percent)s %%"),
        "saving": _("Saving safely …"),
        "done": _("Sent. Opening your receipt …"),
        "network": _(
            "The connection was interrupted. Nothing was sent. Your pages are still here; "
            "please try again."
        ),
        "server": _("Something went wrong. Nothing was sent. Please try again."),
        "too_many": _("Please send at most %(max)s files at once.")
        % {"max": settings.UPLOAD_MAX_FILES},
        # No connection: the pages are kept on the phone (outbox.js) and sent later.
        "kept": _("Saved on this phone. It will be sent when you are online again."),
        "kept_one": _("1 page is waiting."),
        "kept_pages": _("%(count)s pages are waiting."),
    }


def outbox_owner(user: User) -> str:
    """Marks whose sends the phone keeps: the outbox sends one only for the same person
    (a shared phone), without storing a name or an id that means anything elsewhere."""
    return salted_hmac("amtsbote.portal.outbox", str(user.pk)).hexdigest()[:24]


def _files_by_item(
    request: AuthenticatedRequest, doc_request: DocRequest
) -> dict[DocRequestItem, list[tuple[str, bytes]]]:
    """Files per item from fields ``item-<uuid>``; fields of other items are ignored."""
    files_by_item: dict[DocRequestItem, list[tuple[str, bytes]]] = {}
    for item in doc_request.items.all():
        uploads = request.FILES.getlist(f"item-{item.uuid}")
        for upload in uploads:
            # A file over the limit is refused before it is read into memory (the name is
            # shown in the message: no path or bidi characters in it).
            check_size(sanitise_filename(upload.name or ""), upload.size or 0)
        if uploads:
            files_by_item[item] = [(upload.name or "", upload.read()) for upload in uploads]
    return files_by_item


def _render(
    request: AuthenticatedRequest, doc_request: DocRequest, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "portal/request.html",
        {
            "doc_request": doc_request,
            "items": list(doc_request.items.all()),
            "receipts": doc_request.submissions.filter(submitted_by=request.user),
            "error": error,
            "file_accept": FILE_ACCEPT,
            "accepted_formats": accepted_formats_text(),
            "max_files": settings.UPLOAD_MAX_FILES,
            "max_file_mb": settings.UPLOAD_MAX_FILE_BYTES // (1024 * 1024),
            "script_strings": _script_strings(),
            # The send's idempotency key: a retry of this form (a lost answer, the browser
            # sending again) gets the first receipt back instead of a second submission.
            "client_key": secrets.token_urlsafe(24),
            "outbox_owner": outbox_owner(request.user),
        },
        status=status,
    )


@login_required
def request_upload(request: AuthenticatedRequest, request_uuid: str) -> HttpResponse:
    doc_request = access_doc_request_for_customer(request.user, request_uuid)
    if request.method != "POST":
        return _render(request, doc_request)
    client_key = request.POST.get("client_key", "").strip()
    try:
        if not submission_sent_before(request.user, client_key):  # a repeat is not counted
            upload_send_count(user=request.user)
        files_by_item = _files_by_item(request, doc_request)
        submission = submission_create(
            request=doc_request,
            submitted_by=request.user,
            files_by_item=files_by_item,
            client_key=client_key,
            on_behalf_of=sender_for(request.user, doc_request),
        )
    except (TooManyFilesSent, RequestDataTooBig):
        error = _("Please send at most %(max)s files at once.") % {"max": settings.UPLOAD_MAX_FILES}
    except AmtsboteError as exc:
        error = exc.message
    else:
        url = reverse("portal:receipt", args=[submission.uuid])
        if wants_json(request):
            return JsonResponse({"redirect": url, "reference": submission.reference})
        return redirect(url)
    if wants_json(request):
        return JsonResponse({"error": error}, status=400)
    return _render(request, doc_request, error=error, status=400)
