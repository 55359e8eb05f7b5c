"""Reads for document requests."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.documents.models import Document

from .constants import RequestStatus
from .models import DocRequest, DocRequestItem, Submission


def with_items(requests: QuerySet[DocRequest]) -> QuerySet[DocRequest]:
    return requests.select_related("case", "team", "created_by").prefetch_related(
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
    person = getattr(user, "person", None)
    if person is None:
        return DocRequest.objects.none()
    return open_requests_for_case(person.case)


def open_requests_for_case(case: Case) -> QuerySet[DocRequest]:
    """The household's open requests (also what a representative with "upload" sees)."""
    return with_items(
        DocRequest.objects.filter(
            case_id=case.pk, status__in=[RequestStatus.OPEN, RequestStatus.PARTLY]
        )
    ).order_by("deadline", "id")


def submissions_for_customer(user: User) -> QuerySet[Submission]:
    return Submission.objects.filter(submitted_by=user).select_related("request")


def submission_sent_before(user: User, client_key: str) -> bool:
    """Whether ``user`` sent this upload (its idempotency key) already: a repeat, not a send."""
    return (
        bool(client_key)
        and Submission.objects.filter(submitted_by=user, client_key=client_key).exists()
    )
