"""Reads for cases; every queryset is scoped to what the user may see."""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from amtsbote.accounts.constants import STAFF_ROLES, Role
from amtsbote.accounts.models import Team, User
from amtsbote.audit.models import AuditEvent

from .models import BreakGlassGrant, Case
from .validators import normalize_number


def cases_for_staff(user: User) -> QuerySet[Case]:
    """Cases of the user's jobcenter that one of the user's teams works on (need-to-know),
    and cases opened by break-glass while the grant lasts."""
    if not user.is_authenticated or not user.works_on_cases or user.jobcenter_id is None:
        return Case.objects.none()
    own = Case.teams.through.objects.filter(team__members=user).values("case_id")
    granted = BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now()).values(
        "case_id"
    )
    return Case.objects.filter(Q(id__in=own) | Q(id__in=granted), jobcenter_id=user.jobcenter_id)


def staff_sees_case(user: User, case_field: str = "case_id") -> Q:
    """A filter on rows of another table: their case (``case_field``) is one the user may see.

    The same cases as ``cases_for_staff``, tested row by row (``EXISTS``) instead of as the
    set of all of them: a search walks the newest documents and stops after a page of hits,
    where that set (35,000 households of a caseworker in ``bench/million.py``) cost 40-60 ms
    to build for every query. The jobcenter is tested on the user's team instead of on the
    case: a case is only ever given to teams of its own jobcenter (``case_create``,
    ``import_cases_csv``), so both say the same, and the team table is small.
    """
    if not user.is_authenticated or not user.works_on_cases or user.jobcenter_id is None:
        return Q(pk__in=[])
    case = OuterRef(case_field)
    own = Case.teams.through.objects.filter(
        case_id=case, team__members=user, team__jobcenter_id=user.jobcenter_id
    )
    granted = BreakGlassGrant.objects.filter(
        case_id=case,
        user=user,
        expires_at__gt=timezone.now(),
        case__jobcenter_id=user.jobcenter_id,
    )
    return Q(Exists(own)) | Q(Exists(granted))


def cases_of_jobcenter(user: User) -> QuerySet[Case]:
    """Every case of the user's jobcenter: only to find a case for break-glass, never to read."""
    if not user.is_authenticated or not user.works_on_cases or user.jobcenter_id is None:
        return Case.objects.none()
    return Case.objects.filter(jobcenter_id=user.jobcenter_id)


def break_glass_grants_for_lead(user: User) -> QuerySet[BreakGlassGrant]:
    """Break-glass accesses in the team lead's jobcenter, newest first; nothing for others."""
    if not user.is_authenticated or user.role != Role.TEAM_LEAD or user.jobcenter_id is None:
        return BreakGlassGrant.objects.none()
    return (
        BreakGlassGrant.objects.filter(case__jobcenter_id=user.jobcenter_id)
        .select_related("user", "case")
        .order_by("-created_at", "-id")
    )


# What counts as a staff read of a household's file for the customer's access list.
READ_ACTION_SUFFIXES = (".view", ".download", ".read", ".search")
BREAK_GLASS_ACTION = "cases.breakglass.grant"


def staff_reads_for_case(case: Case) -> QuerySet[AuditEvent]:
    """Audited reads of the case and its documents by staff, newest first (DSGVO Art. 15).

    The customer's own reads and the system's are left out; the actor's teams come along.
    """
    reads = Q(action=BREAK_GLASS_ACTION)
    for suffix in READ_ACTION_SUFFIXES:
        reads |= Q(action__endswith=suffix)
    return (
        AuditEvent.objects.filter(reads, case_id=case.pk, actor__role__in=STAFF_ROLES)
        .select_related("actor")
        .prefetch_related(
            models.Prefetch(
                "actor__teams",
                queryset=Team.objects.filter(jobcenter_id=case.jobcenter_id).order_by("name"),
            )
        )
        .order_by("-occurred_at", "-id")
    )


def case_search(
    user: User, query: str, *, scope: QuerySet[Case] | None = None, limit: int = 50
) -> QuerySet[Case]:
    """Find cases by BG-Nummer, Kundennummer or a person's name (all words must match).

    ``scope`` is the set the user may search; by default the cases of the user's teams (the
    mailroom passes every case of its jobcenter, since post may belong to any household).
    """
    cases = cases_for_staff(user) if scope is None else scope
    query = query.strip()[:100]
    if not query:
        return cases.none()
    number = normalize_number(query)
    condition = Q(bg_number__iexact=number) | Q(people__customer_number__iexact=number)
    if number.isalnum() and len(number) >= 4:
        condition |= Q(bg_number__icontains=number)
    name_condition = Q()
    for word in query.split():
        name_condition &= Q(people__first_name__icontains=word) | Q(
            people__last_name__icontains=word
        )
    ids = cases.filter(condition | name_condition).values("id")
    return Case.objects.filter(id__in=ids).prefetch_related("people").order_by("bg_number")[:limit]
