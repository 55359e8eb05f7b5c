"""The only way UI and API code fetches a case: missing and forbidden both raise 404."""

from __future__ import annotations

import uuid
from collections.abc import MutableMapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from amtsbote import audit
from amtsbote.accounts.models import ActivationCode, User

from .models import Case, Person, Representation, RepresentationQuerySet
from .selectors import cases_for_staff, cases_of_jobcenter


def access_case_for_staff(user: User, case_uuid: uuid.UUID | str) -> Case:
    try:
        return cases_for_staff(user).select_related("jobcenter").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such case") from exc


def record_case_read(user: User, case: Case, *, view: str) -> None:
    """A staff read of the household's file (§ 67 SGB X), in the request's transaction."""
    audit.record(
        "cases.case.view",
        actor=user,
        subject=case,
        jobcenter_id=case.jobcenter_id,
        case_id=case.pk,
        data={"view": view},
    )


def access_case_for_break_glass(user: User, case_uuid: uuid.UUID | str) -> Case:
    """A case of the user's own jobcenter, to ask for break-glass access; never another's."""
    try:
        return cases_of_jobcenter(user).select_related("jobcenter").get(uuid=case_uuid)
    except (Case.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such case") from exc


def case_for_customer(user: User) -> Case | None:
    """The customer's own household, or None before activation."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    return person.case if person is not None else None


def access_person_for_staff(user: User, person_uuid: uuid.UUID | str) -> Person:
    try:
        return Person.objects.select_related("case__jobcenter", "user").get(
            uuid=person_uuid, case__in=cases_for_staff(user).values("id")
        )
    except (Person.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such person") from exc


def access_activation_code_for_staff(
    user: User, activation_uuid: uuid.UUID | str
) -> ActivationCode:
    try:
        return ActivationCode.objects.select_related("person__case__jobcenter").get(
            uuid=activation_uuid, person__case__in=cases_for_staff(user).values("id")
        )
    except (ActivationCode.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such activation code") from exc


# --- representatives ---------------------------------------------------------------------

# The session key holding the UUID of the grant a representative acts under just now.
ACTING_SESSION_KEY = "amtsbote_acting_for"


def representations_of(user: User) -> RepresentationQuerySet:
    """The grants in force for this representative, with whom they are for."""
    if not user.is_authenticated:
        return Representation.objects.none()
    return (
        Representation.objects.valid()
        .filter(representative=user)
        .select_related("person__case__jobcenter", "case")
        .order_by("person__last_name", "person__first_name", "id")
    )


def represented_people(user: User, scope: str) -> QuerySet[Person]:
    """The people this account may act for with ``scope`` today (any of its grants)."""
    return Person.objects.filter(
        id__in=representations_of(user).with_scope(scope).values("person_id")
    )


def grant_in_force(user: User, person: Person, scope: str) -> Representation | None:
    """The grant under which ``user`` may act for ``person`` with ``scope`` today, if any."""
    return (
        Representation.objects.valid()
        .with_scope(scope)
        .filter(representative=user, person=person)
        .select_related("person__case")
        .order_by("id")
        .first()
    )


def acting_representation(user: User, session: MutableMapping[str, Any]) -> Representation | None:
    """The grant the representative acts under in this session: the one chosen in the
    switcher while it is in force; without a choice, the first grant for an account that
    has no household of its own. None: the account acts for itself."""
    grants = representations_of(user)
    chosen = session.get(ACTING_SESSION_KEY)
    if chosen:
        try:
            return grants.get(uuid=chosen)
        except (Representation.DoesNotExist, ValueError, ValidationError):
            session.pop(ACTING_SESSION_KEY, None)
            return None
    if getattr(user, "person", None) is None:
        return grants.first()
    return None


def access_representation_for_representative(
    user: User, representation_uuid: uuid.UUID | str
) -> Representation:
    """A grant in force for this representative (to switch to it)."""
    try:
        return representations_of(user).get(uuid=representation_uuid)
    except (Representation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such representation") from exc


def access_representation_for_customer(
    user: User, representation_uuid: uuid.UUID | str
) -> Representation:
    """A grant for the customer themselves (to revoke it); not one for another member."""
    if not user.is_authenticated:
        raise Http404("no such representation")
    try:
        return Representation.objects.select_related("case", "representative").get(
            uuid=representation_uuid, person__user=user
        )
    except (Representation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such representation") from exc


def access_representation_for_staff(
    user: User, representation_uuid: uuid.UUID | str
) -> Representation:
    try:
        return Representation.objects.select_related("case__jobcenter", "person").get(
            uuid=representation_uuid, case__in=cases_for_staff(user).values("id")
        )
    except (Representation.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such representation") from exc
