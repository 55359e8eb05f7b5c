"""Wer hat meine Akte gesehen? Staff reads of the household's file (DSGVO Art. 15)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from amtsbote.accounts.constants import Role
from amtsbote.cases.access import case_for_customer
from amtsbote.cases.selectors import staff_reads_for_case

from .http import AuthenticatedRequest

PER_PAGE = 25


@require_GET
@login_required
def accesses(request: AuthenticatedRequest) -> HttpResponse:
    """Time, role and team of every staff read; names only if the jobcenter shows them."""
    case = case_for_customer(request.user)
    page = None
    show_names = False
    if case is not None:
        show_names = case.jobcenter.show_staff_names
        page = Paginator(staff_reads_for_case(case), PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for event in page.object_list if page is not None else []:
        actor = event.actor
        if actor is None:  # the selector keeps staff actors only
            continue
        rows.append(
            {
                "occurred_at": event.occurred_at,
                "role": Role(actor.role).label if actor.role in Role.values else "",
                "teams": ", ".join(team.name for team in actor.teams.all()),
                "name": actor.get_full_name() if show_names else "",
                "what": _what(event.action),
            }
        )
    return render(request, "portal/accesses.html", {"page": page, "rows": rows, "case": case})


def _what(action: str) -> str:
    if action.startswith("cases.breakglass"):
        return _("opened the file outside their team, giving a reason")
    if action.startswith("cases.case"):
        return _("looked at the file")
    if action.endswith(".download"):
        return _("downloaded a document")
    if action.endswith(".search"):
        return _("searched the file")
    if action.startswith(("messaging.", "eforms.", "postbox.")):
        return _("read a message, form or letter")
    return _("looked at a document")
