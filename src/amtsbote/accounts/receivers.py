"""Second factors added or removed: the session counts as proved, and the audit log says so."""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa import signals
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from amtsbote import audit

from . import login_policy


@receiver(signals.authenticator_added)
def second_factor_added(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    if authenticator.type in login_policy.SECOND_FACTOR_TYPES:
        # Entering the first TOTP code or creating a passkey proves the factor.
        login_policy.mark_enrolled(request, user)
    audit.record(
        "accounts.second_factor.add", actor=user, subject=user, data={"type": authenticator.type}
    )


@receiver(signals.authenticator_removed)
def second_factor_removed(
    sender: Any, request: HttpRequest, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    audit.record(
        "accounts.second_factor.remove", actor=user, subject=user, data={"type": authenticator.type}
    )


@receiver(user_logged_in)
def staff_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """The idle clock of a staff session starts at login, and the audit log says how they
    signed in (single sign-on names its provider)."""
    if not login_policy.needs_strong_login(user):
        return
    if request is not None and hasattr(request, "session"):
        login_policy.touch(request)
    records = get_authentication_records(request, user) if request is not None else []
    data: dict[str, Any] = {"methods": [record.get("method") for record in records]}
    providers = [record["provider"] for record in records if record.get("provider")]
    if providers:
        data["provider"] = providers[-1]
    audit.record("accounts.login", actor=user, subject=user, data=data)
