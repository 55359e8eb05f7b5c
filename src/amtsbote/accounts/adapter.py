"""allauth adapter: after login, staff go to the desk and customers to the portal."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if getattr(user, "is_jobcenter_staff", False):
            return reverse("desk:inbox")
        return reverse("portal:home")
