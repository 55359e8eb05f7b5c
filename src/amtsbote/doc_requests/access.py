"""The only way UI and API code fetches requests and submissions: 404 when missing or not yours."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from amtsbote.accounts.models import User
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Person
from amtsbote.cases.selectors import cases_for_staff

from .models import DocRequest, Submission
from .selectors import with_items


def customer_people(user: User) -> QuerySet[Person]:
    """Whose requests the account answers: its own person and the people it represents with
    "upload" today."""
    if not user.is_authenticated:
        return Person.objects.none()
    represented = represented_people(user, RepresentationScope.UPLOAD).values("pk")
    return Person.objects.filter(Q(user=user) | Q(pk__in=represented))


def access_doc_request_for_customer(user: User, request_uuid: uuid.UUID | str) -> DocRequest:
    """A request the customer's own person sees (the head of the household: all of it; another
    member: those addressed to them), or one a person they represent with "upload" today
    sees."""
    if not user.is_authenticated:
        raise Http404("no such request")
    try:
        return with_items(DocRequest.objects.visible_to_people(customer_people(user))).get(
            uuid=request_uuid
        )
    except (DocRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such request") from exc


def sender_for(user: User, doc_request: DocRequest) -> Person | None:
    """In whose name ``user`` answers ``doc_request`` (one that ``access_doc_request_for_customer``
    gave them): None for their own person, else the person they represent with "upload"
    who sees it, the addressee first. Raises 404 if there is none."""

    def sees(person: Person) -> bool:
        return DocRequest.objects.visible_to_person(person).filter(pk=doc_request.pk).exists()

    own = getattr(user, "person", None)
    if own is not None and sees(own):
        return None
    represented = represented_people(user, RepresentationScope.UPLOAD).filter(
        case_id=doc_request.case_id
    )
    candidates = sorted(represented, key=lambda p: (p.pk != doc_request.addressee_id, p.pk))
    for person in candidates:
        if sees(person):
            return person
    raise Http404("no such request")


def access_doc_request_for_staff(user: User, request_uuid: uuid.UUID | str) -> DocRequest:
    try:
        return with_items(
            DocRequest.objects.filter(case__in=cases_for_staff(user).values("id"))
        ).get(uuid=request_uuid)
    except (DocRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such request") from exc


def access_submission_for_customer(user: User, submission_uuid: uuid.UUID | str) -> Submission:
    if not user.is_authenticated:
        raise Http404("no such receipt")
    try:
        return Submission.objects.select_related("request", "case__jobcenter").get(
            uuid=submission_uuid, submitted_by=user
        )
    except (Submission.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such receipt") from exc
