"""The customer's start page and the language switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from amtsbote.accounts.services import user_language_set
from amtsbote.doc_requests.constants import ItemStatus
from amtsbote.doc_requests.selectors import open_requests_for_customer, submissions_for_customer
from amtsbote.postbox.selectors import unread_count_for_customer

from .http import AuthenticatedRequest


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    person = getattr(request.user, "person", None)
    todos = []
    if person is not None:
        for doc_request in open_requests_for_customer(request.user):
            items = list(doc_request.items.all())
            sent = sum(1 for item in items if item.status == ItemStatus.FULFILLED)
            todos.append(
                {"request": doc_request, "items": items, "sent": sent, "total": len(items)}
            )
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
