"""Enter a code: the activation code (Freischaltcode) links the portal account to a person;
an invitation code binds a pending grant to the account, which then acts as representative."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amtsbote.accounts.services import activation_attempts_left
from amtsbote.cases.access import ACTING_SESSION_KEY
from amtsbote.cases.models import Representation
from amtsbote.cases.services_representation import activation_or_invitation_redeem
from amtsbote.core.exceptions import ActivationFailed

from .http import AuthenticatedRequest


@login_required
def activate(request: AuthenticatedRequest) -> HttpResponse:
    linked = getattr(request.user, "person", None) is not None
    code = request.GET.get("code", "")[:40]
    error = ""
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "")[:40]
        try:
            result = activation_or_invitation_redeem(user=request.user, code_text=code)
        except ActivationFailed as exc:
            error = exc.message
            status = 400
        else:
            if isinstance(result, Representation):
                if result.is_valid():
                    # Act under the new grant straight away (also for one with a household).
                    request.session[ACTING_SESSION_KEY] = str(result.uuid)
                messages.success(
                    request,
                    _("You can now act for %(name)s.") % {"name": result.person.full_name},
                )
            else:
                messages.success(
                    request, _("Your account is now linked to your jobcenter. Welcome!")
                )
            return redirect("portal:home")
    return render(
        request,
        "portal/activate.html",
        {
            "code": code,
            "error": error,
            "linked": linked,
            "attempts_left": activation_attempts_left(request.user),
        },
        status=status,
    )
