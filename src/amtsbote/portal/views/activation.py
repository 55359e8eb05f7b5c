"""Link the portal account to a person with the activation code (Freischaltcode)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from amtsbote.accounts.services import activation_attempts_left, activation_code_redeem
from amtsbote.core.exceptions import ActivationFailed

from .http import AuthenticatedRequest


@login_required
def activate(request: AuthenticatedRequest) -> HttpResponse:
    if getattr(request.user, "person", None) is not None:
        messages.info(request, _("Your account is already linked to your jobcenter."))
        return redirect("portal:home")
    code = request.GET.get("code", "")[:40]
    error = ""
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "")[:40]
        try:
            activation_code_redeem(user=request.user, code_text=code)
        except ActivationFailed as exc:
            error = exc.message
            status = 400
        else:
            messages.success(request, _("Your account is now linked to your jobcenter. Welcome!"))
            return redirect("portal:home")
    return render(
        request,
        "portal/activate.html",
        {
            "code": code,
            "error": error,
            "attempts_left": activation_attempts_left(request.user),
        },
        status=status,
    )
