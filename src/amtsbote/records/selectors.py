"""Reads for records management: due documents, proposals, holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet

from amtsbote.cases.constants import CaseStatus
from amtsbote.cases.models import Case, Jobcenter
from amtsbote.documents.models import Document
from amtsbote.eforms.models import FormSubmission
from amtsbote.postbox.models import Letter

from . import retention
from .constants import ProposalStatus
from .models import DisposalItem, DisposalProposal, LegalHold, RetentionRule

OPEN_STATUSES = (ProposalStatus.PROPOSED, ProposalStatus.APPROVED)


def rules_for(jobcenter: Jobcenter) -> list[retention.Rule]:
    return [
        retention.Rule(
            register_code=rule.register_code,
            type_code=rule.document_type.code if rule.document_type else None,
            years=rule.years,
        )
        for rule in RetentionRule.objects.filter(jobcenter=jobcenter).select_related(
            "document_type"
        )
    ]


def case_on_hold(case: Case) -> bool:
    return LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists()


def active_holds(jobcenter_id: int) -> QuerySet[LegalHold]:
    return (
        LegalHold.objects.filter(case__jobcenter_id=jobcenter_id, lifted_at__isnull=True)
        .select_related("case", "set_by")
        .order_by("-created_at")
    )


def documents_blocked(documents: QuerySet[Document]) -> set[int]:
    """Ids of documents another record needs and that therefore stay (see docs/records.md).

    A postbox letter (the Bescheid and its proof of delivery) and a form submission (the
    customer's signed answers) point to their PDF and cannot exist without it.
    """
    ids = list(documents.values_list("id", flat=True))
    blocked = set(Letter.objects.filter(document_id__in=ids).values_list("document_id", flat=True))
    blocked |= set(
        FormSubmission.objects.filter(document_id__in=ids).values_list("document_id", flat=True)
    )
    return blocked


def documents_in_open_proposals(case: Case) -> set[int]:
    return set(
        DisposalItem.objects.filter(
            proposal__case=case, proposal__status__in=OPEN_STATUSES, document__isnull=False
        ).values_list("document_id", flat=True)
    )


def documents_due(case: Case, *, today: dt.date) -> Iterator[tuple[Document, dt.date]]:
    """The case's documents whose retention ended by ``today``, with their due dates.

    Nothing while the case is open or under a legal hold; documents that another record
    needs, or that an open proposal holds already, are left out.
    """
    if case.status != CaseStatus.CLOSED or case.closed_at is None or case_on_hold(case):
        return
    rules = rules_for(case.jobcenter)
    documents = Document.objects.filter(case=case).select_related("register", "document_type")
    skip = documents_blocked(documents) | documents_in_open_proposals(case)
    for document in documents.order_by("received_at", "id"):
        if document.pk in skip:
            continue
        years = retention.retention_years(
            rules,
            register_code=document.register.code,
            type_code=document.document_type.code if document.document_type else None,
        )
        if retention.retention_ended(case.closed_at, years, today=today):
            yield document, retention.retention_due(case.closed_at, years)


def closed_cases() -> QuerySet[Case]:
    return Case.objects.filter(status=CaseStatus.CLOSED, closed_at__isnull=False).select_related(
        "jobcenter"
    )


def proposals_for_jobcenter(jobcenter_id: int) -> QuerySet[DisposalProposal]:
    return (
        DisposalProposal.objects.filter(jobcenter_id=jobcenter_id)
        .select_related("case", "proposed_by", "decided_by")
        .prefetch_related("items", "disposed")
    )
