"""Reads for records management: due documents, proposals, holds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone

from amtsbote.accounts.constants import Role
from amtsbote.accounts.models import User
from amtsbote.cases.constants import CaseStatus
from amtsbote.cases.models import Case, FilePlanEntry, Jobcenter
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.selectors import requests_for_case
from amtsbote.documents.models import Document
from amtsbote.eforms.models import FormSubmission
from amtsbote.postbox.models import Letter, PrintJob

from . import retention
from .constants import ProposalReason, ProposalStatus
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


def documents_of_records(documents: QuerySet[Document]) -> set[int]:
    """Ids of documents that are a postbox letter (a Bescheid and its proof of delivery) or a
    form submission (the customer's signed answers): the administrative record itself."""
    ids = list(documents.values_list("id", flat=True))
    found = set(Letter.objects.filter(document_id__in=ids).values_list("document_id", flat=True))
    found |= set(
        FormSubmission.objects.filter(document_id__in=ids).values_list("document_id", flat=True)
    )
    return found


def document_due(document: Document, case: Case, rules: list[retention.Rule]) -> dt.date | None:
    """The last day of the document's retention period; None while the case is open."""
    if case.closed_at is None:
        return None
    years = retention.retention_years(
        rules,
        register_code=document.register.code,
        type_code=document.document_type.code if document.document_type else None,
    )
    return retention.retention_due(case.closed_at, years)


def documents_kept_by_obligation(
    case: Case, documents: QuerySet[Document], *, today: dt.date
) -> list[Document]:
    """Documents an erasure request cannot take (Art. 17 (3) b DSGVO, § 84 SGB X).

    Letters (Bescheide) and form submissions (applications) are the record of the
    administrative procedure: they are kept until their retention period ended. Every other
    document (uploads, scans, message attachments, thread records) may be erased on request.
    """
    records = documents_of_records(documents)
    if not records:
        return []
    rules = rules_for(case.jobcenter)
    kept = []
    for document in (
        documents.filter(pk__in=records)
        .select_related("register", "document_type")
        .order_by("received_at", "id")
    ):
        due = document_due(document, case, rules)
        if due is None or today <= due:
            kept.append(document)
    return kept


def documents_in_open_proposals(case: Case) -> set[int]:
    return set(
        DisposalItem.objects.filter(
            proposal__case=case, proposal__status__in=OPEN_STATUSES, document__isnull=False
        ).values_list("document_id", flat=True)
    )


def documents_due(case: Case, *, today: dt.date) -> Iterator[tuple[Document, dt.date]]:
    """The case's documents whose retention ended by ``today``, with their due dates.

    Nothing while the case is open or under a legal hold; documents that an open proposal
    holds already are left out. Letters and form submissions are due like every document.
    """
    if case.status != CaseStatus.CLOSED or case.closed_at is None or case_on_hold(case):
        return
    rules = rules_for(case.jobcenter)
    documents = Document.objects.filter(case=case).select_related("register", "document_type")
    skip = documents_in_open_proposals(case)
    for document in documents.order_by("received_at", "id"):
        if document.pk in skip:
            continue
        due = document_due(document, case, rules)
        if due is not None and today > due:
            yield document, due


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


def erasure_requests(jobcenter_id: int) -> QuerySet[DisposalProposal]:
    return proposals_for_jobcenter(jobcenter_id).filter(reason=ProposalReason.ERASURE)


def rules_of_jobcenter(jobcenter_id: int) -> QuerySet[RetentionRule]:
    return (
        RetentionRule.objects.filter(jobcenter_id=jobcenter_id)
        .select_related("document_type")
        .order_by("register_code", "document_type__name", "id")
    )


def case_retention_until(
    case: Case, *, closed_at: dt.datetime | None = None
) -> tuple[dt.date, dt.date] | None:
    """Earliest and latest end of retention of the case's documents (the jobcenter's
    general period when it has none); None while the case is open.

    ``closed_at``: as if the case were closed then (the confirmation before closing).
    """
    closed_at = closed_at or case.closed_at
    if closed_at is None:
        return None
    rules = rules_for(case.jobcenter)
    dues = set()
    for document in Document.objects.filter(case=case).select_related("register", "document_type"):
        years = retention.retention_years(
            rules,
            register_code=document.register.code,
            type_code=document.document_type.code if document.document_type else None,
        )
        dues.add(retention.retention_due(closed_at, years))
    if not dues:
        years = retention.retention_years(rules, register_code="", type_code=None)
        dues.add(retention.retention_due(closed_at, years))
    ordered = sorted(dues)
    return ordered[0], ordered[-1]


def case_retention_if_closed_now(case: Case) -> tuple[dt.date, dt.date] | None:
    return case_retention_until(case, closed_at=timezone.now())


def close_blockers(case: Case) -> tuple[list[DocRequest], list[Letter]]:
    """What keeps a case from being closed: open document requests (the customer is still
    asked to upload) and letters in the print queue that were not posted yet."""
    open_requests = [r for r in requests_for_case(case) if r.is_open]
    letters = list(
        Letter.objects.filter(
            case=case,
            pk__in=PrintJob.objects.filter(posted_on__isnull=True).values("letter_id"),
        ).order_by("created_at", "id")
    )
    return open_requests, letters


def may_change_case_status(user: User, case: Case) -> bool:
    """Who closes and reopens a case: team leads of its jobcenter and the caseworkers of its
    teams (not someone who opened it through break-glass access)."""
    if user.jobcenter_id != case.jobcenter_id or not user.works_on_cases:
        return False
    if user.role == Role.TEAM_LEAD:
        return True
    return case.teams.filter(pk__in=user.teams.values("pk")).exists()


def register_names(jobcenter_id: int) -> dict[str, str]:
    return dict(FilePlanEntry.objects.filter(jobcenter_id=jobcenter_id).values_list("code", "name"))
