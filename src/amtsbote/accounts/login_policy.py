"""Who must log in how (docs/login.md).

Staff (every role but customer, and Django staff/superusers) need a second factor in every
session: a TOTP code, a passkey, a recovery code, or a single sign-on login through one of the
configured OpenID Connect providers (the identity provider does MFA) when
``SSO_COUNTS_AS_SECOND_FACTOR`` is on. Customers may add a second factor; nothing is forced.

Whether a session is strong is read from allauth's record of how the session authenticated
(``get_authentication_records``) and from our own mark set when a staff member enrols a
factor in this session (entering the first TOTP code or creating a passkey proves it).
"""

from __future__ import annotations

import time
from typing import Any, cast

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest

from .constants import STAFF_ROLES

ENROLLED_SESSION_KEY = "amtsbote_second_factor_enrolled"
LAST_ACTIVITY_SESSION_KEY = "amtsbote_last_activity"
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def needs_strong_login(user: Any) -> bool:
    """Staff of any role, and anyone with Django staff rights; never customers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        getattr(user, "role", None) in STAFF_ROLES
        or getattr(user, "is_staff", False)
        or getattr(user, "is_superuser", False)
    )


def has_second_factor(user: Any) -> bool:
    """An activated TOTP or passkey (recovery codes alone are no factor)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def oidc_apps() -> list[dict[str, Any]]:
    """The OpenID Connect providers configured by settings (AMTSBOTE_OIDC_PROVIDERS)."""
    providers = cast(dict[str, Any], settings.SOCIALACCOUNT_PROVIDERS)
    return list(providers.get("openid_connect", {}).get("APPS", []))


def sso_provider_ids() -> set[str]:
    return {str(app["provider_id"]) for app in oidc_apps()}


def session_is_strong(request: HttpRequest, user: Any) -> bool:
    """Whether this session proved a second factor (or came through single sign-on)."""
    for record in get_authentication_records(request, user):
        method = record.get("method")
        if method == "mfa":
            return True
        if (
            method == "socialaccount"
            and settings.SSO_COUNTS_AS_SECOND_FACTOR
            and record.get("provider") in sso_provider_ids()
        ):
            return True
    return request.session.get(ENROLLED_SESSION_KEY) == str(user.pk)


def mark_enrolled(request: HttpRequest, user: Any) -> None:
    """The user set up a factor in this session: it counts as proved for this session."""
    request.session[ENROLLED_SESSION_KEY] = str(user.pk)


def touch(request: HttpRequest) -> None:
    request.session[LAST_ACTIVITY_SESSION_KEY] = int(time.time())


def idle_seconds(request: HttpRequest) -> float | None:
    """Seconds since this session's last counted request, or None if never counted."""
    last = request.session.get(LAST_ACTIVITY_SESSION_KEY)
    if last is None:
        return None
    return time.time() - float(last)
