"""Activation codes: issue, redeem, revoke."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Callable
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
def activation_code_issue(
    *, person: Any, issued_by: User, representation: Any = None
) -> tuple[ActivationCode, str]:
    """Create a code for ``person``; the plain code is returned once and never stored.

    With ``representation`` (a pending grant for ``person``) the code is an invitation for
    the representative: it expires with the grant's end day at the latest.
    """
    if representation is not None and representation.person_id != person.pk:
        raise ValueError("an invitation code is issued for the represented person")
    code = refcodes.generate(CODE_LENGTH)
    expires_at = timezone.now() + dt.timedelta(days=settings.ACTIVATION_CODE_VALID_DAYS)
    if representation is not None:
        grant_ends = timezone.make_aware(
            dt.datetime.combine(representation.valid_until + dt.timedelta(days=1), dt.time.min)
        )
        expires_at = min(expires_at, grant_ends)
    activation = ActivationCode.objects.create(
        person=person,
        representation=representation,
        code_digest=_digest(code),
        hint=code[-4:],
        issued_by=issued_by,
        expires_at=expires_at,
    )
    data = {"person": str(getattr(person, "uuid", ""))}
    if representation is not None:
        data["representation"] = str(representation.uuid)
    audit.record(
        "accounts.activation_code.issue",
        actor=issued_by,
        subject=activation,
        jobcenter_id=issued_by.jobcenter_id or person.case.jobcenter_id,
        case_id=getattr(person, "case_id", None),
        data=data,
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


def activation_code_redeem(
    *,
    user: User,
    code_text: str,
    accept_invitation: Callable[[ActivationCode, User], Any] | None = None,
) -> Any:
    """Link ``user`` to the person the code was issued for; return that person.

    An invitation code (``ActivationCode.representation``) instead binds its pending grant to
    ``user`` through ``accept_invitation`` (``cases.services_representation`` passes it: the
    grant is its business), which returns the grant or raises ``ActivationFailed``; without
    it an invitation code is refused.

    Every failed attempt counts towards a limit per account and hour; at the limit even a
    right code is refused until the hour is over. The count is kept outside the transaction
    that the failure rolls back.
    """
    if activation_attempts_left(user) <= 0:
        raise ActivationFailed(
            _("Too many attempts. Please wait an hour and try again."), code="throttled"
        )
    try:
        return _redeem(
            user=user, code=refcodes.normalize(code_text), accept_invitation=accept_invitation
        )
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

# An invitation may come from the customer as well as from the jobcenter.
_INVITATION_FAILURE_MESSAGES = {
    "used": _lazy("This invitation code has already been used."),
    "expired": _lazy(
        "This invitation code has expired. Please ask whoever gave it to you for a new one."
    ),
    "revoked": _lazy(
        "This invitation code was withdrawn. Please ask whoever gave it to you for a new one."
    ),
}


@transaction.atomic
def _redeem(
    *,
    user: User,
    code: str,
    accept_invitation: Callable[[ActivationCode, User], Any] | None,
) -> Any:
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
        messages = (
            _INVITATION_FAILURE_MESSAGES
            if activation is not None and activation.is_invitation
            else _FAILURE_MESSAGES
        )
        raise ActivationFailed(str(messages[reason]), code=reason)
    if activation.is_invitation:
        return _accept_invitation(activation=activation, user=user, accept=accept_invitation)
    if user.role != Role.CUSTOMER:
        raise ActivationFailed(_("Staff accounts cannot be linked to a person."), code="staff")
    person = activation.person
    if person.user_id and person.user_id != user.pk:
        raise ActivationFailed(
            _("This person is already linked to another account. Please contact your jobcenter."),
            code="taken",
        )
    own = getattr(user, "person", None)
    if own is not None and own.pk != person.pk:
        raise ActivationFailed(
            _("Your account is already linked to a person. Please contact your jobcenter."),
            code="linked",
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


def _accept_invitation(
    *,
    activation: ActivationCode,
    user: User,
    accept: Callable[[ActivationCode, User], Any] | None,
) -> Any:
    """Redeem an invitation code: the grant is bound by ``accept``, the code is used up."""
    if accept is None:
        raise ActivationFailed(
            _("This is an invitation code for a representative; it cannot be used here."),
            code="invitation",
        )
    if user.role != Role.CUSTOMER:
        raise ActivationFailed(
            _("Staff accounts cannot act as representatives. Please use a portal account."),
            code="staff",
        )
    grant = accept(activation, user)
    activation.used_at = timezone.now()
    activation.used_by = user
    activation.save(update_fields=["used_at", "used_by", "updated_at"])
    audit.record(
        "accounts.activation_code.redeem",
        actor=user,
        subject=activation,
        case_id=activation.person.case_id,
        data={"person": str(activation.person.uuid), "representation": str(grant.uuid)},
    )
    return grant


@transaction.atomic
def activation_code_revoke(*, activation: ActivationCode, actor: User) -> ActivationCode:
    if activation.revoked_at is None and activation.used_at is None:
        activation.revoked_at = timezone.now()
        activation.save(update_fields=["revoked_at", "updated_at"])
        audit.record(
            "accounts.activation_code.revoke",
            actor=actor,
            subject=activation,
            jobcenter_id=actor.jobcenter_id or activation.person.case.jobcenter_id,
            case_id=activation.person.case_id,
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
