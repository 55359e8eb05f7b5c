"""The only way UI code fetches letters and print jobs: missing and forbidden both give 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from amtsbote.accounts.models import User
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.selectors import cases_for_staff

from .constants import Channel
from .models import Letter
from .selectors import letters_for_customer, with_details


def access_letter_for_customer(user: User, letter_uuid: uuid.UUID | str) -> Letter:
    """A letter provided digitally to this customer (not one to another household member),
    or to a person this account represents with "read letters" today."""
    try:
        return letters_for_customer(user).select_related("addressee").get(uuid=letter_uuid)
    except (Letter.DoesNotExist, ValueError, ValidationError):
        pass
    try:
        return (
            Letter.objects.filter(
                channel=Channel.DIGITAL,
                addressee__in=represented_people(user, RepresentationScope.READ_LETTERS),
            )
            .select_related("case__jobcenter", "document", "addressee")
            .get(uuid=letter_uuid)
        )
    except (Letter.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such letter") from exc


def access_letter_for_staff(user: User, letter_uuid: uuid.UUID | str) -> Letter:
    try:
        return with_details(Letter.objects.filter(case__in=cases_for_staff(user).values("id"))).get(
            uuid=letter_uuid
        )
    except (Letter.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such letter") from exc
