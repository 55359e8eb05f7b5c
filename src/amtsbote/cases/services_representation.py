"""Writes for representatives (Bevollmächtigte, Betreuer, Beratungsstellen): grant, revoke.

A grant lets one portal account act in one customer's name, for a set of scopes
(``RepresentationScope``) until an end date. The jobcenter (a caseworker of the case's team
or a team lead) or the customer themselves grants; either may revoke. Every write is
audited in the same transaction.

A grant to somebody without a known account is an invitation: a pending grant (no
representative, admits nobody) with a single-use, expiring activation code that binds it to
the account that enters it on the portal's activation page. Customers always invite this
way, so the portal never tells whether an e-mail address has an account (docs/security.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import ActivationCode, User
from amtsbote.accounts.services import (
    activation_code_issue,
    activation_code_redeem,
    activation_code_revoke,
)
from amtsbote.core.exceptions import ActivationFailed, PermissionDenied, ValidationFailed

from .constants import REPRESENTATION_MAX_DAYS, RepresentationKind, RepresentationScope
from .models import Person, Representation
from .selectors import cases_for_staff


def portal_account_by_email(email: str) -> User | None:
    """The active portal account with this e-mail address, or None.

    For the desk only: telling a customer whether an address has an account would let them
    enumerate accounts, so the portal invites by code instead (docs/security.md).
    """
    email = email.strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, role=Role.CUSTOMER, is_active=True).first()


def _invited_email(email: str, *, required: bool) -> str:
    email = email.strip().lower()
    if not email:
        if required:
            raise ValidationFailed(_("Please give the e-mail address of the representative."))
        return ""
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed(_("Please give a valid e-mail address.")) from exc
    return email


def _clean(
    *,
    person: Person,
    representative: User | None,
    invited_email: str,
    kind: str,
    scopes: Iterable[str],
    valid_from: dt.date,
    valid_until: dt.date | None,
) -> str:
    """The validated scopes as stored (",read_letters,upload,"); a clear message otherwise."""
    if kind not in RepresentationKind.values:
        raise ValidationFailed(
            _("Please choose the kind of representation: %(kinds)s.")
            % {"kinds": ", ".join(str(label) for label in RepresentationKind.labels)}
        )
    chosen = [s for s in RepresentationScope.values if s in set(scopes)]
    unknown = set(scopes) - set(RepresentationScope.values)
    if unknown or not chosen:
        raise ValidationFailed(
            _("Please choose at least one of: %(scopes)s.")
            % {"scopes": ", ".join(str(label) for label in RepresentationScope.labels)}
        )
    today = timezone.localdate()
    latest = valid_from + dt.timedelta(days=REPRESENTATION_MAX_DAYS)
    if valid_until is None or valid_until <= today or valid_until < valid_from:
        raise ValidationFailed(
            _("Please give an end date after today (at the latest %(latest)s).")
            % {"latest": latest.strftime("%d.%m.%Y")}
        )
    if valid_until > latest:
        raise ValidationFailed(
            _("A grant lasts at most three years: the end date may be %(latest)s at the latest.")
            % {"latest": latest.strftime("%d.%m.%Y")}
        )
    if representative is None:
        _clean_invitation(person=person, invited_email=invited_email)
        return "," + ",".join(chosen) + ","
    if representative.role != Role.CUSTOMER or not representative.is_active:
        raise ValidationFailed(_("Only a portal account can be a representative."))
    if getattr(representative, "person", None) is not None and (
        representative.person.pk == person.pk
    ):
        raise ValidationFailed(_("A person cannot represent themselves."))
    if Representation.objects.valid().filter(person=person, representative=representative).exists():
        raise ValidationFailed(
            _(
                "This account already represents the person. Revoke the current grant first "
                "to change its scope or end date."
            )
        )
    return "," + ",".join(chosen) + ","


def _clean_invitation(*, person: Person, invited_email: str) -> None:
    """An invitation names no account; only what the granting side knows anyway is checked
    (the person's own address, their own open invitations), so nothing about other accounts
    can be learnt from the answer."""
    if not invited_email:
        return
    own = person.user
    if own is not None and own.email.lower() == invited_email:
        raise ValidationFailed(_("A person cannot represent themselves."))
    if (
        Representation.objects.pending()
        .filter(person=person, invited_email=invited_email)
        .filter(activation_codes__in=ActivationCode.objects.usable())
        .exists()
    ):
        raise ValidationFailed(
            _(
                "There is already an open invitation for this e-mail address. Revoke it "
                "first to change its scope or end date."
            )
        )


def _grant(
    *,
    actor: User,
    by: str,
    person: Person,
    representative: User | None,
    kind: str,
    scopes: Iterable[str],
    valid_until: dt.date | None,
    valid_from: dt.date | None,
    note: str,
    invited_email: str = "",
) -> Representation:
    scopes = list(scopes)
    valid_from = valid_from or timezone.localdate()
    stored = _clean(
        person=person,
        representative=representative,
        invited_email=invited_email,
        kind=kind,
        scopes=scopes,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    assert valid_until is not None
    grant = Representation.objects.create(
        person=person,
        case_id=person.case_id,
        representative=representative,
        invited_email=invited_email,
        kind=kind,
        scopes=stored,
        valid_from=valid_from,
        valid_until=valid_until,
        note=note.strip(),
        granted_by=actor,
    )
    audit.record(
        "cases.representation.grant",
        actor=actor,
        subject=grant,
        jobcenter_id=person.case.jobcenter_id,
        case_id=person.case_id,
        data={
            "by": by,
            "person": str(person.uuid),
            "representative": representative.pk if representative is not None else None,
            "pending": representative is None,
            "kind": kind,
            "scopes": grant.scope_list,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return grant


def _staff_may_grant(actor: User, person: Person) -> None:
    if not cases_for_staff(actor).filter(pk=person.case_id).exists():
        raise PermissionDenied(_("You do not work on this case."))


@transaction.atomic
def representation_grant_by_staff(
    *,
    actor: User,
    person: Person,
    representative: User,
    kind: str,
    scopes: Iterable[str],
    valid_until: dt.date | None,
    valid_from: dt.date | None = None,
    note: str = "",
) -> Representation:
    """The jobcenter grants: a caseworker of the case's team or a team lead (with access)."""
    _staff_may_grant(actor, person)
    return _grant(
        actor=actor,
        by="jobcenter",
        person=person,
        representative=representative,
        kind=kind,
        scopes=scopes,
        valid_until=valid_until,
        valid_from=valid_from,
        note=note,
    )


@transaction.atomic
def representation_invite_by_staff(
    *,
    actor: User,
    person: Person,
    email: str = "",
    kind: str,
    scopes: Iterable[str],
    valid_until: dt.date | None,
    valid_from: dt.date | None = None,
    note: str = "",
) -> tuple[Representation, str]:
    """The jobcenter grants to a representative without a portal account (yet): a pending
    grant and its invitation code, returned in plain text once. With ``email`` only the
    account of that address can enter the code."""
    _staff_may_grant(actor, person)
    grant = _grant(
        actor=actor,
        by="jobcenter",
        person=person,
        representative=None,
        invited_email=_invited_email(email, required=False),
        kind=kind,
        scopes=scopes,
        valid_until=valid_until,
        valid_from=valid_from,
        note=note,
    )
    _activation, code = activation_code_issue(person=person, issued_by=actor, representation=grant)
    return grant, code


@transaction.atomic
def representation_grant_by_customer(
    *,
    customer: User,
    representative: User,
    kind: str,
    scopes: Iterable[str],
    valid_until: dt.date | None,
    note: str = "",
) -> Representation:
    """The customer grants access to their own affairs (never to another member's)."""
    person = getattr(customer, "person", None)
    if person is None:
        raise PermissionDenied(_("Please activate your account first."))
    return _grant(
        actor=customer,
        by="customer",
        person=person,
        representative=representative,
        kind=kind,
        scopes=scopes,
        valid_until=valid_until,
        valid_from=None,
        note=note,
    )


@transaction.atomic
def representation_invite_by_customer(
    *,
    customer: User,
    email: str,
    kind: str,
    scopes: Iterable[str],
    valid_until: dt.date | None,
    note: str = "",
) -> tuple[Representation, str]:
    """The customer invites a representative by e-mail address: always a pending grant and
    an invitation code to pass on, whether or not the address has an account, so the answer
    tells nothing about accounts. Only the account of that address can enter the code."""
    person = getattr(customer, "person", None)
    if person is None:
        raise PermissionDenied(_("Please activate your account first."))
    grant = _grant(
        actor=customer,
        by="customer",
        person=person,
        representative=None,
        invited_email=_invited_email(email, required=True),
        kind=kind,
        scopes=scopes,
        valid_until=valid_until,
        valid_from=None,
        note=note,
    )
    _activation, code = activation_code_issue(
        person=person, issued_by=customer, representation=grant
    )
    return grant, code


@transaction.atomic
def representation_revoke(*, representation: Representation, actor: User) -> Representation:
    """End a grant now (the caller fetched it through its access function)."""
    grant = (
        Representation.objects.select_for_update().select_related("case").get(pk=representation.pk)
    )
    if grant.revoked_at is not None:
        return grant
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    # A pending grant's invitation code goes with it.
    for activation in ActivationCode.objects.usable().filter(representation=grant):
        activation_code_revoke(activation=activation, actor=actor)
    audit.record(
        "cases.representation.revoke",
        actor=actor,
        subject=grant,
        jobcenter_id=grant.case.jobcenter_id,
        case_id=grant.case_id,
        data={
            "representative": grant.representative_id,
            "pending": grant.representative_id is None,
        },
    )
    return grant


# --- invitations: the representative enters the code --------------------------------------


def activation_or_invitation_redeem(*, user: User, code_text: str) -> Person | Representation:
    """Redeem a code typed on the portal's activation page: an activation code links the
    account to its person (``accounts``), an invitation code binds its pending grant to the
    account. Both share the throttle of failed attempts."""
    result: Person | Representation = activation_code_redeem(
        user=user, code_text=code_text, accept_invitation=_invitation_accept
    )
    return result


_INVITATION_REFUSALS = {
    "revoked": _lazy(
        "This invitation code was withdrawn. Please ask whoever gave it to you for a new one."
    ),
    "expired": _lazy(
        "This invitation code has expired. Please ask whoever gave it to you for a new one."
    ),
    "used": _lazy("This invitation code has already been used."),
    "unknown": _lazy("This activation code is not correct. Please check it and try again."),
}


def _invitation_accept(activation: ActivationCode, user: User) -> Representation:
    """Bind the pending grant of ``activation`` to ``user`` (inside the redeem transaction;
    the code is checked as active and the account as a portal account already)."""
    assert activation.representation_id is not None
    grant = (
        Representation.objects.select_for_update()
        .select_related("case", "person")
        .get(pk=activation.representation_id)
    )
    if grant.person_id != activation.person_id:  # a code binds only its own grant
        raise ActivationFailed(str(_INVITATION_REFUSALS["unknown"]), code="unknown")
    if grant.revoked_at is not None:
        raise ActivationFailed(str(_INVITATION_REFUSALS["revoked"]), code="revoked")
    if grant.representative_id is not None:
        raise ActivationFailed(str(_INVITATION_REFUSALS["used"]), code="used")
    if grant.valid_until < timezone.localdate():
        raise ActivationFailed(str(_INVITATION_REFUSALS["expired"]), code="expired")
    own = getattr(user, "person", None)
    if own is not None and own.pk == grant.person_id:
        raise ActivationFailed(
            _(
                "This code lets someone else act for you, so you cannot use it yourself. "
                "Please pass it on to your representative."
            ),
            code="self",
        )
    if grant.invited_email and grant.invited_email.lower() != user.email.lower():
        raise ActivationFailed(
            _(
                "This invitation code was given for another e-mail address. Please sign in "
                "with the account of that address, or ask for a new code."
            ),
            code="email",
        )
    if Representation.objects.valid().filter(person=grant.person, representative=user).exists():
        raise ActivationFailed(
            _(
                "You already act for this person. The current grant has to be revoked "
                "before a new one can be used."
            ),
            code="duplicate",
        )
    grant.representative = user
    grant.save(update_fields=["representative", "updated_at"])
    audit.record(
        "cases.representation.activate",
        actor=user,
        subject=grant,
        jobcenter_id=grant.case.jobcenter_id,
        case_id=grant.case_id,
        data={
            "person": str(grant.person.uuid),
            "representative": user.pk,
            "activation_code": str(activation.uuid),
        },
    )
    return grant


def representation_record_act(
    *, representation: Representation, what: str, subject: object, data: dict | None = None
) -> None:
    """Note in the audit log that a representative acted in the represented person's name
    (``what``: "letter.view", "submission.create" …): who acted, for whom, under which grant.
    Runs in the caller's transaction."""
    audit.record(
        "cases.representation.act",
        actor=representation.representative,
        subject=subject,
        jobcenter_id=representation.case.jobcenter_id,
        case_id=representation.case_id,
        data={
            "what": what,
            "on_behalf_of": str(representation.person.uuid),
            "on_behalf_of_name": representation.person.full_name,
            "representation": str(representation.uuid),
            **(data or {}),
        },
    )
