"""The customer's start page and the language switch."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from amtsbote.accounts.services import user_language_set
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Representation
from amtsbote.doc_requests.constants import ItemStatus
from amtsbote.doc_requests.selectors import (
    open_requests_for_customer,
    open_requests_for_person,
    submissions_for_customer,
)
from amtsbote.postbox.selectors import letters_for_person, unread_count_for_customer

from .http import AuthenticatedRequest
from .representation import acting_for


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    grant = acting_for(request)
    if grant is not None:
        return _home_acting(request, grant)
    person = getattr(request.user, "person", None)
    todos = _todos(open_requests_for_customer(request.user)) if person is not None else []
    receipts = list(submissions_for_customer(request.user)[:3]) if person is not None else []
    return render(
        request,
        "portal/home.html",
        {
            "person": person,
            "todos": todos,
            "receipts": receipts,
            "unread_letters": unread_count_for_customer(request.user) if person else 0,
        },
    )


def _todos(doc_requests: Any) -> list[dict[str, Any]]:
    todos = []
    for doc_request in doc_requests:
        items = list(doc_request.items.all())
        sent = sum(1 for item in items if item.status == ItemStatus.FULFILLED)
        todos.append({"request": doc_request, "items": items, "sent": sent, "total": len(items)})
    return todos


def _home_acting(request: AuthenticatedRequest, grant: Representation) -> HttpResponse:
    """The start page of a representative: only what the grant's scope allows."""
    may_upload = grant.has_scope(RepresentationScope.UPLOAD)
    may_read = grant.has_scope(RepresentationScope.READ_LETTERS)
    unread = (
        letters_for_person(grant.person).filter(first_retrieved_at__isnull=True).count()
        if may_read
        else 0
    )
    return render(
        request,
        "portal/home.html",
        {
            "person": grant.person,
            "acting": grant,
            # What the represented person sees: all of the household's requests if they are
            # its head, else those addressed to them.
            "todos": _todos(open_requests_for_person(grant.person)) if may_upload else [],
            "receipts": list(submissions_for_customer(request.user)[:3]),
            "unread_letters": unread,
            "may_write_messages": grant.has_scope(RepresentationScope.WRITE_MESSAGES),
            "may_submit_forms": grant.has_scope(RepresentationScope.SUBMIT_FORMS),
        },
    )


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``; a logged-in user's choice is also kept on the account.

    The stored language is used for mail and push, which are rendered in the recipient's
    language outside any request.
    """
    code = request.POST.get("language", "")
    if request.user.is_authenticated and code in dict(settings.LANGUAGES):
        user_language_set(user=request.user, language=code)  # type: ignore[arg-type]
    return set_language(request)
