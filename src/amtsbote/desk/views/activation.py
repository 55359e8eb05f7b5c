"""Activation codes (Freischaltcodes): issue one for a person, print the letter, revoke."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amtsbote.accounts.services import (
    activation_code_issue,
    activation_code_matches,
    activation_code_revoke,
)
from amtsbote.cases.access import (
    access_activation_code_for_staff,
    access_person_for_staff,
    access_representation_for_staff,
)
from amtsbote.cases.services_representation import representation_revoke
from amtsbote.core import refcodes
from amtsbote.core.http import file_response

from ..decorators import staff_required
from ..letters import activation_context, activation_letter_pdf


def _no_store(response: HttpResponse) -> HttpResponse:
    """The plain code is on this response: no cache may keep it."""
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def activation_create(request: HttpRequest, person_uuid: uuid.UUID) -> HttpResponse:
    person = access_person_for_staff(request.user, person_uuid)  # type: ignore[arg-type]
    activation, code = activation_code_issue(person=person, issued_by=request.user)  # type: ignore[arg-type]
    context = activation_context(activation, code)
    context["plain_code"] = code
    context["codes"] = sorted(
        person.activation_codes.filter(representation__isnull=True),
        key=lambda a: a.created_at,
        reverse=True,
    )
    return _no_store(render(request, "desk/activation_code.html", context))


@require_POST
@staff_required
def activation_letter(request: HttpRequest, activation_uuid: uuid.UUID) -> HttpResponse:
    """The letter for a code just issued: the desk sends the code back, it is checked here.

    Only the digest is stored, so the letter can only be printed by whoever saw the code.
    """
    activation = access_activation_code_for_staff(request.user, activation_uuid)  # type: ignore[arg-type]
    code = refcodes.normalize(request.POST.get("code", ""))
    if not activation_code_matches(activation, code) or activation.is_invitation:
        # An invitation code is printed from its own page (desk/representation_code.html).
        raise Http404("code does not match")
    if activation.status != "active":
        messages.error(request, _("This activation code can no longer be used."))
        return redirect("desk:case_detail", case_uuid=activation.person.case.uuid)
    pdf = activation_letter_pdf(activation, code)
    filename = f"freischaltcode-{activation.person.customer_number}.pdf"
    return _no_store(file_response(pdf, content_type="application/pdf", filename=filename))


@require_POST
@staff_required
def activation_revoke(request: HttpRequest, activation_uuid: uuid.UUID) -> HttpResponse:
    activation = access_activation_code_for_staff(request.user, activation_uuid)  # type: ignore[arg-type]
    grant = activation.representation
    if grant is not None and grant.is_pending:
        # Without its code a pending grant could never start: revoke both together.
        grant = access_representation_for_staff(request.user, grant.uuid)  # type: ignore[arg-type]
        representation_revoke(representation=grant, actor=request.user)  # type: ignore[arg-type]
    else:
        activation_code_revoke(activation=activation, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("The activation code was revoked."))
    return redirect("desk:case_detail", case_uuid=activation.person.case.uuid)
