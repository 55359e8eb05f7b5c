"""allauth adapters: where people land after login, and who may use single sign-on."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .login_policy import needs_strong_login


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        """allauth's second-factor step, but not after a single sign-on login that counts as
        the second factor (``stages.SecondFactorStage``)."""
        return [
            "amtsbote.accounts.stages.SecondFactorStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if getattr(user, "is_jobcenter_staff", False):
            return reverse("desk:inbox")
        return reverse("portal:home")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on (OpenID Connect) is for existing staff accounts only.

    The identity provider's confirmed e-mail address finds the account
    (``SOCIALACCOUNT_EMAIL_AUTHENTICATION``); nobody gets a new account this way, and a
    customer account cannot be entered through the jobcenter's identity provider.
    """

    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: Any) -> None:
        super().pre_social_login(request, sociallogin)
        user = sociallogin.user
        if user.pk and not needs_strong_login(user):
            messages.error(request, _("Single sign-on is for jobcenter staff only."))
            raise ImmediateHttpResponse(redirect("account_login"))
