"""Writes for jobcenters, cases and people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsbote import audit
from amtsbote.accounts.models import Team, User
from amtsbote.core.exceptions import PermissionDenied, ValidationFailed

from .constants import DEFAULT_REGISTERS, CaseStatus
from .models import BreakGlassGrant, Case, FilePlanEntry, Jobcenter, Person
from .validators import normalize_number


@transaction.atomic
def jobcenter_create(
    *, name: str, slug: str, state: str, address: str = "", team_names: Iterable[str] = ()
) -> Jobcenter:
    """A jobcenter with the default file plan registers and the given teams."""
    jobcenter = Jobcenter(name=name, slug=slug, state=state, address=address)
    jobcenter.full_clean()
    jobcenter.save()
    FilePlanEntry.objects.bulk_create(
        FilePlanEntry(jobcenter=jobcenter, code=code, name=label, position=i)
        for i, (code, label) in enumerate(DEFAULT_REGISTERS)
    )
    for team_name in team_names:
        Team.objects.create(jobcenter=jobcenter, name=team_name)
    audit.record("cases.jobcenter.create", subject=jobcenter, jobcenter_id=jobcenter.pk)
    return jobcenter


def teams_of(jobcenter: Jobcenter, teams: Iterable[Team]) -> list[Team]:
    """The teams, refused (``ValidationFailed``) when one is of another jobcenter: a case is
    only ever worked on by teams of its own jobcenter, and the rights check of the search
    and the inbox relies on it (``cases.selectors.staff_sees_case``)."""
    teams = list(teams)
    if any(team.jobcenter_id != jobcenter.pk for team in teams):
        raise ValidationFailed(_("A team of another jobcenter cannot work on these cases."))
    return teams


@transaction.atomic
def case_create(
    *, jobcenter: Jobcenter, bg_number: str, teams: Iterable[Team] = (), actor: User | None = None
) -> Case:
    teams = teams_of(jobcenter, teams)
    case = Case(jobcenter=jobcenter, bg_number=normalize_number(bg_number))
    case.full_clean()
    case.save()
    case.teams.set(teams)
    audit.record(
        "cases.case.create", actor=actor, subject=case, jobcenter_id=jobcenter.pk, case_id=case.pk
    )
    return case


@transaction.atomic
def person_create(
    *,
    case: Case,
    customer_number: str,
    first_name: str,
    last_name: str,
    birth_date: dt.date | None = None,
    street: str = "",
    postal_code: str = "",
    city: str = "",
    actor: User | None = None,
) -> Person:
    person = Person(
        case=case,
        customer_number=normalize_number(customer_number),
        first_name=first_name,
        last_name=last_name,
        birth_date=birth_date,
        street=street,
        postal_code=postal_code,
        city=city,
        position=case.people.count(),
    )
    person.full_clean()
    person.save()
    audit.record(
        "cases.person.create",
        actor=actor,
        subject=person,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
    )
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    first_name: str | None = None,
    last_name: str | None = None,
    birth_date: dt.date | None = None,
    street: str | None = None,
    postal_code: str | None = None,
    city: str | None = None,
    actor: User | None = None,
) -> Person:
    """Change the given fields of a household member (None: unchanged).

    Writes and audits only when something changed; the audit names the changed fields.
    """
    wanted = {
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": birth_date,
        "street": street,
        "postal_code": postal_code,
        "city": city,
    }
    changed = sorted(
        name
        for name, value in wanted.items()
        if value is not None and getattr(person, name) != value
    )
    if not changed:
        return person
    for name in changed:
        setattr(person, name, wanted[name])
    person.full_clean()
    person.save(update_fields=[*changed, "updated_at"])
    audit.record(
        "cases.person.update",
        actor=actor,
        subject=person,
        jobcenter_id=person.case.jobcenter_id,
        case_id=person.case_id,
        data={"fields": changed},
    )
    return person


@transaction.atomic
def case_close(
    *, case: Case, actor: User | None = None, closed_at: dt.datetime | None = None
) -> Case:
    """Close the case (the household no longer receives benefits); retention counts from here."""
    case.status = CaseStatus.CLOSED
    case.closed_at = closed_at or timezone.now()
    case.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(
        "cases.case.close",
        actor=actor,
        subject=case,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={"closed_at": case.closed_at.isoformat()},
    )
    return case


@transaction.atomic
def case_reopen(*, case: Case, actor: User | None = None) -> Case:
    """Reopen a closed case; its retention period no longer runs."""
    case.status = CaseStatus.ACTIVE
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(
        "cases.case.reopen",
        actor=actor,
        subject=case,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
    )
    return case


BREAK_GLASS_REASON_MIN_LENGTH = 20


@transaction.atomic
def break_glass_grant(*, user: User, case: Case, category: str, reason: str) -> BreakGlassGrant:
    """Open a case outside the user's teams for ``BREAK_GLASS_HOURS``; audited with the reason.

    Only staff who work on cases, only in their own jobcenter, only with a real reason.
    """
    reason = reason.strip()
    if not user.works_on_cases or user.jobcenter_id != case.jobcenter_id:
        raise PermissionDenied(_("Break-glass access is only possible in your own jobcenter."))
    if len(reason) < BREAK_GLASS_REASON_MIN_LENGTH:
        raise ValidationFailed(
            _("Please describe the reason in at least %(count)d characters.")
            % {"count": BREAK_GLASS_REASON_MIN_LENGTH}
        )
    grant = BreakGlassGrant(
        user=user,
        case=case,
        category=category,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(hours=settings.BREAK_GLASS_HOURS),
    )
    grant.full_clean()
    grant.save()
    audit.record(
        "cases.breakglass.grant",
        actor=user,
        subject=case,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={
            "category": category,
            "reason": reason,
            "expires_at": grant.expires_at.isoformat(),
            "grant": str(grant.uuid),
        },
    )
    return grant
