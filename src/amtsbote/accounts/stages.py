"""allauth login stages as Amtsbote needs them (docs/login.md)."""

from __future__ import annotations

from allauth.mfa.stages import AuthenticateStage
from django.conf import settings
from django.http import HttpRequest

from . import login_policy


class SecondFactorStage(AuthenticateStage):
    """allauth's "enter your code or passkey" step after the first one, skipped for a single
    sign-on login through a configured provider while ``SSO_COUNTS_AS_SECOND_FACTOR`` is on:
    the identity provider does MFA, and the middleware counts the session as strong."""

    def _should_handle(self, request: HttpRequest) -> bool:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if (
            sociallogin is not None
            and settings.SSO_COUNTS_AS_SECOND_FACTOR
            and sociallogin.account.provider in login_policy.sso_provider_ids()
        ):
            return False
        return super()._should_handle(request)
