"""The only way UI code fetches sent forms: 404 when missing or not yours."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from amtsbote.accounts.models import User
from amtsbote.cases.models import Person
from amtsbote.cases.selectors import cases_for_staff

from .definitions import registry
from .definitions.base import FormDefinition
from .models import FormSubmission
from .selectors import customer_submissions_filter, submissions_for_representative, with_related


def person_for_customer(user: User) -> Person:
    """The customer's person in a household (any member with an account), else 404."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        raise Http404("no household")
    return person


def access_definition(code: str) -> FormDefinition:
    definition = registry.get(code)
    if definition is None:
        raise Http404("no such form")
    return definition


def access_form_submission_for_customer(
    user: User, submission_uuid: uuid.UUID | str, *, on_behalf_of: Person | None = None
) -> FormSubmission:
    """A sent form: the account that sent it sees its receipt, and so does the customer a
    representative sent it for. With ``on_behalf_of``: a form ``user`` sent as that person's
    representative, while the grant ("submit forms") is in force."""
    if not user.is_authenticated:
        raise Http404("no such form")
    submissions = (
        submissions_for_representative(user, on_behalf_of)
        if on_behalf_of is not None
        else FormSubmission.objects.filter(customer_submissions_filter(user))
    )
    try:
        return with_related(submissions).get(uuid=submission_uuid)
    except (FormSubmission.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such form") from exc


def access_form_submission_for_staff(
    user: User, submission_uuid: uuid.UUID | str
) -> FormSubmission:
    try:
        return with_related(
            FormSubmission.objects.filter(case__in=cases_for_staff(user).values("id"))
        ).get(uuid=submission_uuid)
    except (FormSubmission.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such form") from exc
