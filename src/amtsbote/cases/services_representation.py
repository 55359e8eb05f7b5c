"""Writes for representatives (Bevollmächtigte, Betreuer, Beratungsstellen): grant, revoke.

A grant lets one portal account act in one customer's name, for a set of scopes
(``RepresentationScope``) until an end date. The jobcenter (a caseworker of the case's team
or a team lead) or the customer themselves grants; either may revoke. Every write is
audited in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed

from .constants import REPRESENTATION_MAX_DAYS, RepresentationKind, RepresentationScope
from .models import Person, Representation
from .selectors import cases_for_staff


def representative_by_email(email: str) -> User:
    """The portal account a grant goes to, found by its e-mail address."""
    email = email.strip()
    user = (
        User.objects.filter(email__iexact=email, role=Role.CUSTOMER, is_active=True).first()
        if email
        else None
    )
    if user is None:
        raise ValidationFailed(
            _(
                "There is no portal account with this e-mail address. The representative "
                "registers in the portal first; then grant access to that address."
            )
        )
    return user


def _clean(
    *,
    person: Person,
    representative: User,
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


def _grant(
    *,
    actor: User,
    by: str,
    person: Person,
    representative: User,
    kind: str,
    scopes: Iterable[str],
    valid_until: dt.date | None,
    valid_from: dt.date | None,
    note: str,
) -> Representation:
    scopes = list(scopes)
    valid_from = valid_from or timezone.localdate()
    stored = _clean(
        person=person,
        representative=representative,
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
            "representative": representative.pk,
            "kind": kind,
            "scopes": grant.scope_list,
            "valid_from": valid_from.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return grant


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
    if not cases_for_staff(actor).filter(pk=person.case_id).exists():
        raise PermissionDenied(_("You do not work on this case."))
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
    audit.record(
        "cases.representation.revoke",
        actor=actor,
        subject=grant,
        jobcenter_id=grant.case.jobcenter_id,
        case_id=grant.case_id,
        data={"representative": grant.representative_id},
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
