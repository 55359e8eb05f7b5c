"""Postfach: letters and Bescheide provided digitally, and the customer's two consents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amtsbote.core.exceptions import AmtsboteError
from amtsbote.postbox import rendering
from amtsbote.postbox.access import access_letter_for_customer
from amtsbote.postbox.constants import ConsentKind
from amtsbote.postbox.selectors import consent_state, letters_for_customer
from amtsbote.postbox.services import (
    consent_record,
    consent_wording,
    letter_record_retrieval,
    letter_request_paper,
)

from .http import AuthenticatedRequest


@require_GET
@login_required
def postbox(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request, "portal/postbox.html", {"letters": list(letters_for_customer(request.user))}
    )


@require_GET
@login_required
def letter(request: AuthenticatedRequest, letter_uuid: str) -> HttpResponse:
    found = access_letter_for_customer(request.user, letter_uuid)
    return render(request, "portal/letter.html", {"letter": found})


@require_GET
@login_required
@never_cache
def letter_file(request: AuthenticatedRequest, letter_uuid: str) -> HttpResponse:
    """The letter's PDF, in the browser or (``?download=1``) saved; the first retrieval
    per user is recorded (§ 37 Abs. 2a SGB X)."""
    found = access_letter_for_customer(request.user, letter_uuid)
    download = request.GET.get("download") == "1"
    letter_record_retrieval(letter=found, user=request.user, how="download" if download else "view")
    response = HttpResponse(rendering.letter_pdf_bytes(found), content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="Schreiben-{found.uuid}.pdf"'
    return response


@require_POST
@login_required
def letter_paper(request: AuthenticatedRequest, letter_uuid: str) -> HttpResponse:
    found = access_letter_for_customer(request.user, letter_uuid)
    letter_request_paper(letter=found, user=request.user)
    messages.success(request, _("We will send you this letter by post as well."))
    return redirect("portal:letter", letter_uuid=found.uuid)


@require_http_methods(["GET", "POST"])
@login_required
def consents(request: AuthenticatedRequest) -> HttpResponse:
    """Grant or withdraw each consent on its own; uploading never requires giving up paper."""
    person = getattr(request.user, "person", None)
    if person is None:
        raise Http404("no household linked")
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in ConsentKind.values:
            raise Http404("no such consent")
        try:
            consent_record(
                person=person,
                kind=kind,
                granted=request.POST.get("action") == "grant",
                recorded_by=request.user,
                language=translation.get_language() or "de",
            )
        except AmtsboteError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Your choice was saved."))
        return redirect("portal:consents")
    state = consent_state(person)
    return render(
        request,
        "portal/consents.html",
        {
            "items": [
                {"kind": kind, "consent": state[kind], "wording": consent_wording(kind)}
                for kind in ConsentKind.values
            ]
        },
    )
