"""Reads for documents."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, FilePlanEntry
from amtsbote.cases.selectors import cases_for_staff

from .constants import InboxStatus
from .models import Document, DocumentVersion


def _with_versions(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related(
        "case", "register", "document_type", "submitted_by"
    ).prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("number")))


def inbox_documents(user: User, *, limit: int = 100) -> QuerySet[Document]:
    """New documents in the cases the user works on, newest first.

    The new documents are walked newest first (partial index ``documents_inbox_new``) and
    each one's household is tested (``EXISTS``), so the walk stops after ``limit`` hits:
    ``case IN (the user's households)`` made PostgreSQL collect all of them first, 35,000
    for a caseworker in ``bench/million.py``.
    """
    visible = cases_for_staff(user).filter(id=OuterRef("case_id"))
    return _with_versions(
        Document.objects.filter(Exists(visible), inbox_status=InboxStatus.NEW)
    ).order_by("-received_at", "-id")[:limit]


def case_registers(case: Case) -> list[tuple[FilePlanEntry, list[Document]]]:
    """Every register of the case's file plan with its documents (empty registers too)."""
    documents = list(_with_versions(case.documents.all()).order_by("-received_at", "-id"))
    registers = FilePlanEntry.objects.filter(jobcenter_id=case.jobcenter_id)
    return [
        (register, [d for d in documents if d.register_id == register.pk]) for register in registers
    ]


def documents_submitted_by(user: User) -> QuerySet[Document]:
    return _with_versions(Document.objects.filter(submitted_by=user)).order_by("-received_at")
