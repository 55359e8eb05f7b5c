"""Break-glass: opening a case outside one's teams with a reason; the team leads' list."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.cases.access import access_case_for_break_glass
from amtsbote.cases.selectors import break_glass_grants_for_lead, cases_for_staff
from amtsbote.cases.services import break_glass_grant
from amtsbote.core.exceptions import AmtsboteError

from ..decorators import staff_required
from ..forms_breakglass import BreakGlassForm

PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@staff_required
def break_glass_request(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """ "Zugriff außerhalb meiner Teams": a reason, then time-limited access to the case."""
    user: User = request.user  # type: ignore[assignment]
    case = access_case_for_break_glass(user, case_uuid)
    if cases_for_staff(user).filter(pk=case.pk).exists():
        return redirect("desk:case_detail", case.uuid)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_grant(
                user=user,
                case=case,
                category=form.cleaned_data["category"],
                reason=form.cleaned_data["reason"],
            )
        except AmtsboteError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("You have access to this case for %(hours)d hours.")
                % {"hours": settings.BREAK_GLASS_HOURS},
            )
            return redirect("desk:case_detail", case.uuid)
    return render(
        request,
        "desk/break_glass_request.html",
        {"case": case, "form": form, "hours": settings.BREAK_GLASS_HOURS},
    )


@require_GET
@staff_required
def break_glass_list(request: HttpRequest) -> HttpResponse:
    """Team leads: every break-glass access of their jobcenter, newest first."""
    user: User = request.user  # type: ignore[assignment]
    if user.role != Role.TEAM_LEAD:
        raise Http404("team leads only")
    page = Paginator(break_glass_grants_for_lead(user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "desk/break_glass_list.html", {"page": page})
