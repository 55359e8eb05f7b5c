"""The only way UI and API code fetches a case: missing and forbidden both raise 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from amtsbote import audit
from amtsbote.accounts.models import ActivationCode, User

from .models import Case, Person
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
