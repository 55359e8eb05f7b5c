"""Reads for cases; every queryset is scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from amtsbote.accounts.models import User

from .models import Case
from .validators import normalize_number


def cases_for_staff(user: User) -> QuerySet[Case]:
    """Cases of the user's jobcenter that one of the user's teams works on (need-to-know)."""
    if not user.is_authenticated or not user.works_on_cases or user.jobcenter_id is None:
        return Case.objects.none()
    return Case.objects.filter(jobcenter_id=user.jobcenter_id, teams__members=user).distinct()


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
