"""Representatives of a household on the desk: grant (to an existing portal account, by its
e-mail address, or, without one, as an invitation with a code to print) and revoke. The list
is part of the case page (desk/_representatives.html)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amtsbote.cases.access import (
    access_case_for_staff,
    access_person_for_staff,
    access_representation_for_staff,
)
from amtsbote.cases.models import Representation
from amtsbote.cases.services_representation import (
    portal_account_by_email,
    representation_grant_by_staff,
    representation_invite_by_staff,
    representation_revoke,
)
from amtsbote.core import refcodes
from amtsbote.core.exceptions import AmtsboteError

from ..decorators import staff_required, staff_user
from ..letters import activation_qr_svg, activation_url

SECTION = "#representatives"


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


@require_POST
@staff_required
def representation_grant(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    user = staff_user(request)
    case = access_case_for_staff(user, case_uuid)
    back = reverse("desk:case_detail", args=[case.uuid]) + SECTION
    person_uuid = request.POST.get("person", "")
    try:
        person = access_person_for_staff(user, person_uuid)
    except Http404:
        messages.error(request, _("Please choose the member of the household to be represented."))
        return redirect(back)
    if person.case_id != case.pk:
        raise Http404("person of another case")
    email = request.POST.get("email", "")
    kind = request.POST.get("kind", "")
    scopes = request.POST.getlist("scopes")
    valid_until = _parse_date(request.POST.get("valid_until", ""))
    note = request.POST.get("note", "")
    # Staff may learn whether an address has a portal account (customers may not): with
    # one, the grant is in force at once; without, it waits for the printed code.
    representative = portal_account_by_email(email)
    try:
        if representative is not None:
            representation_grant_by_staff(
                actor=user,
                person=person,
                representative=representative,
                kind=kind,
                scopes=scopes,
                valid_until=valid_until,
                note=note,
            )
        else:
            grant, code = representation_invite_by_staff(
                actor=user,
                person=person,
                email=email,
                kind=kind,
                scopes=scopes,
                valid_until=valid_until,
                note=note,
            )
    except AmtsboteError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    if representative is not None:
        messages.success(request, _("The representative was granted access."))
        return redirect(back)
    return _invitation_page(request, grant, code)


def _invitation_page(request: HttpRequest, grant: Representation, code: str) -> HttpResponse:
    """The invitation code, shown once on this response (only its digest is stored)."""
    response = render(
        request,
        "desk/representation_code.html",
        {
            "grant": grant,
            "activation": grant.invitation,
            "person": grant.person,
            "case": grant.person.case,
            "jobcenter": grant.person.case.jobcenter,
            "code": refcodes.group(code),
            "qr_svg": activation_qr_svg(code),
            "activation_url": activation_url(code),
            "portal_url": f"{settings.SITE_URL}{reverse('portal:activate')}",
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@staff_required
def representation_revoke_view(
    request: HttpRequest, representation_uuid: uuid.UUID
) -> HttpResponse:
    user = staff_user(request)
    grant = access_representation_for_staff(user, representation_uuid)
    representation_revoke(representation=grant, actor=user)
    messages.success(request, _("The representative's access was revoked."))
    return redirect(reverse("desk:case_detail", args=[grant.case.uuid]) + SECTION)
