"""Reads for document requests."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, Person
from amtsbote.documents.models import Document

from .constants import RequestStatus
from .models import DocRequest, DocRequestItem, Submission, head_of_household


def with_items(requests: QuerySet[DocRequest]) -> QuerySet[DocRequest]:
    return requests.select_related("case", "addressee", "team", "created_by").prefetch_related(
        Prefetch(
            "items",
            queryset=DocRequestItem.objects.select_related("document_type").prefetch_related(
                Prefetch("documents", queryset=Document.objects.order_by("received_at"))
            ),
        )
    )


def requests_for_case(case: Case) -> QuerySet[DocRequest]:
    return with_items(case.doc_requests.all()).order_by("-created_at")


def open_requests_for_customer(user: User) -> QuerySet[DocRequest]:
    """The open requests the customer sees on the start page (their own person's)."""
    person = getattr(user, "person", None)
    if person is None:
        return DocRequest.objects.none()
    return open_requests_for_person(person)


def open_requests_for_person(person: Person) -> QuerySet[DocRequest]:
    """What ``person`` has to send: all open requests of the household for its head, the
    ones addressed to them for another member. A representative with "upload" sees what the
    represented person sees."""
    return with_items(
        DocRequest.objects.visible_to_person(person).filter(
            status__in=[RequestStatus.OPEN, RequestStatus.PARTLY]
        )
    ).order_by("deadline", "id")


def open_requests_for_case(case: Case) -> QuerySet[DocRequest]:
    """All open requests of the household, whoever they are addressed to (for staff; the
    portal shows a person's share: ``open_requests_for_person``)."""
    return with_items(
        DocRequest.objects.filter(
            case_id=case.pk, status__in=[RequestStatus.OPEN, RequestStatus.PARTLY]
        )
    ).order_by("deadline", "id")


def doc_request_readers(request: DocRequest) -> QuerySet[Person]:
    """The members who see ``request`` in the portal (the same rule as
    ``DocRequest.objects.visible_to_people``): its addressee and the head of the household.
    Those with an account are notified of it."""
    head = Q(pk=head_of_household(request.case_id))
    addressee = Q(pk=request.addressee_id) if request.addressee_id else Q(pk__in=[])
    return Person.objects.filter(case_id=request.case_id).filter(head | addressee)


def submissions_for_customer(user: User) -> QuerySet[Submission]:
    return Submission.objects.filter(submitted_by=user).select_related("request")


def submission_sent_before(user: User, client_key: str) -> bool:
    """Whether ``user`` sent this upload (its idempotency key) already: a repeat, not a send."""
    return (
        bool(client_key)
        and Submission.objects.filter(submitted_by=user, client_key=client_key).exists()
    )
