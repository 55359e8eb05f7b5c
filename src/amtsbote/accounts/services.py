"""Activation codes: issue, redeem, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from amtsbote import audit
from amtsbote.core import refcodes
from amtsbote.core.exceptions import ActivationFailed

from .constants import Role
from .models import ActivationCode, User

CODE_LENGTH = 12


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@transaction.atomic
def activation_code_issue(*, person: Any, issued_by: User) -> tuple[ActivationCode, str]:
    """Create a code for ``person``; the plain code is returned once and never stored."""
    code = refcodes.generate(CODE_LENGTH)
    activation = ActivationCode.objects.create(
        person=person,
        code_digest=_digest(code),
        hint=code[-4:],
        issued_by=issued_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.ACTIVATION_CODE_VALID_DAYS),
    )
    audit.record(
        "accounts.activation_code.issue",
        actor=issued_by,
        subject=activation,
        jobcenter_id=issued_by.jobcenter_id,
        case_id=getattr(person, "case_id", None),
        data={"person": str(getattr(person, "uuid", ""))},
    )
    return activation, code


def activation_code_matches(activation: ActivationCode, code_text: str) -> bool:
    """Whether ``code_text`` is the code of ``activation`` (constant-time comparison)."""
    code = refcodes.normalize(code_text)
    return bool(code) and hmac.compare_digest(_digest(code), activation.code_digest)


def _throttle_key(user: User) -> str:
    return f"activation-attempts:{user.pk}"


def activation_attempts_left(user: User) -> int:
    used = cache.get(_throttle_key(user), 0)
    return max(0, settings.ACTIVATION_MAX_ATTEMPTS_PER_HOUR - used)


def activation_code_redeem(*, user: User, code_text: str) -> Any:
    """Link ``user`` to the person the code was issued for; return that person.

    Every failed attempt counts towards a limit per account and hour; at the limit even a
    right code is refused until the hour is over. The count is kept outside the transaction
    that the failure rolls back.
    """
    if activation_attempts_left(user) <= 0:
        raise ActivationFailed(
            _("Too many attempts. Please wait an hour and try again."), code="throttled"
        )
    try:
        return _redeem(user=user, code=refcodes.normalize(code_text))
    except ActivationFailed as failure:
        key = _throttle_key(user)
        cache.add(key, 0, timeout=3600)
        cache.incr(key)
        audit.record("accounts.activation_code.fail", actor=user, data={"reason": failure.code})
        raise


_FAILURE_MESSAGES = {
    "used": _lazy("This activation code has already been used."),
    "expired": _lazy("This activation code has expired. Please ask your jobcenter for a new one."),
    "revoked": _lazy(
        "This activation code is no longer valid. Please ask your jobcenter for a new one."
    ),
    "unknown": _lazy("This activation code is not correct. Please check it and try again."),
}


@transaction.atomic
def _redeem(*, user: User, code: str) -> Any:
    activation = None
    if refcodes.is_valid(code):
        activation = (
            ActivationCode.objects.select_for_update()
            .select_related("person")
            .filter(code_digest=_digest(code))
            .first()
        )
    if activation is None or activation.status != "active":
        reason = activation.status if activation else "unknown"
        raise ActivationFailed(str(_FAILURE_MESSAGES[reason]), code=reason)
    if user.role != Role.CUSTOMER:
        raise ActivationFailed(_("Staff accounts cannot be linked to a person."), code="staff")
    person = activation.person
    if person.user_id and person.user_id != user.pk:
        raise ActivationFailed(
            _("This person is already linked to another account. Please contact your jobcenter."),
            code="taken",
        )
    now = timezone.now()
    activation.used_at = now
    activation.used_by = user
    activation.save(update_fields=["used_at", "used_by", "updated_at"])
    person.user = user
    person.save(update_fields=["user", "updated_at"])
    audit.record(
        "accounts.activation_code.redeem",
        actor=user,
        subject=activation,
        case_id=person.case_id,
        data={"person": str(person.uuid)},
    )
    return person


@transaction.atomic
def activation_code_revoke(*, activation: ActivationCode, actor: User) -> ActivationCode:
    if activation.revoked_at is None and activation.used_at is None:
        activation.revoked_at = timezone.now()
        activation.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            "accounts.activation_code.revoke",
            actor=actor,
            subject=activation,
            jobcenter_id=actor.jobcenter_id,
        )
    return activation


@transaction.atomic
def user_language_set(*, user: User, language: str) -> User:
    """The language mail and push are written in for this user (one of LANGUAGES)."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
        audit.record(
            "accounts.user.set_language", actor=user, subject=user, data={"language": language}
        )
    return user
