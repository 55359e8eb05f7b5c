"""The caseworker's inbox: new documents in the cases of the user's teams, live."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from amtsbote.documents.access import access_document_for_staff
from amtsbote.documents.selectors import (
    inbox_documents,
    inbox_fingerprint,
    inbox_fingerprint_of,
)
from amtsbote.documents.services import document_mark_seen

from ..decorators import staff_required


@require_GET
@staff_required
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "desk/inbox.html", _inbox_context(request))


@require_GET
@staff_required
def inbox_items(request: HttpRequest) -> HttpResponse:
    """The list alone; the inbox page polls it so that new uploads appear without reload.

    The poll names the digest of the list it shows (``shown``): while the list is the same,
    204 and nothing rendered (an open inbox asks every 3 s, all day, on every desk).
    """
    context = _inbox_context(request, shown=request.GET.get("shown", ""))
    if context is None:
        return HttpResponse(status=204)
    return render(request, "desk/_inbox_poll.html", context)


def _inbox_context(request: HttpRequest, *, shown: str | None = None) -> dict | None:
    """The documents and their digest; None when the digest is ``shown`` (asked with one
    query of ids, nothing else read)."""
    if shown and shown == inbox_fingerprint(request.user):  # type: ignore[arg-type]
        return None
    documents = list(inbox_documents(request.user))  # type: ignore[arg-type]
    return {"documents": documents, "fingerprint": inbox_fingerprint_of(documents)}


@require_POST
@staff_required
def mark_seen(request: HttpRequest, document_uuid: uuid.UUID) -> HttpResponse:
    document = access_document_for_staff(request.user, document_uuid)  # type: ignore[arg-type]
    document_mark_seen(document=document, actor=request.user)  # type: ignore[arg-type]
    if request.htmx:  # type: ignore[attr-defined]
        # The row disappears; the next poll brings the list up to date anyway.
        return HttpResponse("")
    return redirect("desk:inbox")
