"""Representatives of a household on the desk: grant (to an existing portal account, by its
e-mail address) and revoke. The list is part of the case page (desk/_representatives.html)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from amtsbote.cases.access import (
    access_case_for_staff,
    access_person_for_staff,
    access_representation_for_staff,
)
from amtsbote.cases.services_representation import (
    representation_grant_by_staff,
    representation_revoke,
    representative_by_email,
)
from amtsbote.core.exceptions import AmtsboteError

from ..decorators import staff_required, staff_user

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
    try:
        representation_grant_by_staff(
            actor=user,
            person=person,
            representative=representative_by_email(request.POST.get("email", "")),
            kind=request.POST.get("kind", ""),
            scopes=request.POST.getlist("scopes"),
            valid_until=_parse_date(request.POST.get("valid_until", "")),
            note=request.POST.get("note", ""),
        )
    except AmtsboteError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The representative was granted access."))
    return redirect(back)


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
