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

from amtsbote.cases.access import representations_of
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.services_representation import representation_record_act
from amtsbote.core.exceptions import AmtsboteError
from amtsbote.core.http import file_response
from amtsbote.postbox import rendering
from amtsbote.postbox.access import access_letter_for_customer
from amtsbote.postbox.constants import ConsentKind
from amtsbote.postbox.models import Letter
from amtsbote.postbox.selectors import consent_state, letters_for_customer, letters_for_person
from amtsbote.postbox.services import (
    consent_record,
    consent_wording,
    letter_record_retrieval,
    letter_request_paper,
)

from .http import AuthenticatedRequest
from .representation import require_scope


def _record_representative_read(request: AuthenticatedRequest, letter: Letter, what: str) -> None:
    """A representative's read of a letter is audited with the person it was for."""
    if letter.addressee.user_id == request.user.pk:
        return
    grant = (
        representations_of(request.user)
        .with_scope(RepresentationScope.READ_LETTERS)
        .filter(person_id=letter.addressee_id)
        .first()
    )
    if grant is not None:
        representation_record_act(representation=grant, what=what, subject=letter)


@require_GET
@login_required
def postbox(request: AuthenticatedRequest) -> HttpResponse:
    grant = require_scope(request, RepresentationScope.READ_LETTERS)
    letters = letters_for_person(grant.person) if grant else letters_for_customer(request.user)
    return render(request, "portal/postbox.html", {"letters": list(letters)})


@require_GET
@login_required
def letter(request: AuthenticatedRequest, letter_uuid: str) -> HttpResponse:
    found = access_letter_for_customer(request.user, letter_uuid)
    _record_representative_read(request, found, "letter.view")
    return render(request, "portal/letter.html", {"letter": found})


@require_GET
@login_required
@never_cache
def letter_file(request: AuthenticatedRequest, letter_uuid: str) -> HttpResponse:
    """The letter's PDF, in the browser or (``?download=1``) saved; the first retrieval
    per user is recorded (§ 37 Abs. 2a SGB X)."""
    found = access_letter_for_customer(request.user, letter_uuid)
    download = request.GET.get("download") == "1"
    _record_representative_read(request, found, "letter.download" if download else "letter.file")
    letter_record_retrieval(letter=found, user=request.user, how="download" if download else "view")
    return file_response(
        rendering.letter_pdf_bytes(found),
        content_type="application/pdf",
        filename=f"Schreiben-{found.uuid}.pdf",
        inline=not download,
    )


@require_POST
@login_required
def letter_paper(request: AuthenticatedRequest, letter_uuid: str) -> HttpResponse:
    found = access_letter_for_customer(request.user, letter_uuid)
    if found.addressee.user_id != request.user.pk:
        raise Http404("only the addressee asks for paper")
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
