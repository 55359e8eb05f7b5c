"""Reads for documents."""

from __future__ import annotations

import hashlib

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case, FilePlanEntry
from amtsbote.cases.selectors import staff_sees_case

from .constants import InboxStatus
from .models import Document, DocumentVersion

# The inbox shows this many new documents, the newest first.
INBOX_LIMIT = 100


def _with_versions(documents: QuerySet[Document]) -> QuerySet[Document]:
    return documents.select_related(
        "case", "register", "document_type", "submitted_by"
    ).prefetch_related(Prefetch("versions", queryset=DocumentVersion.objects.order_by("number")))


def _inbox(user: User) -> QuerySet[Document]:
    """New documents in the cases the user works on, newest first.

    The new documents are walked newest first (partial index ``documents_inbox_new``) and
    each one's household is tested (``staff_sees_case``), so the walk stops after a page of
    hits: ``case IN (the user's households)`` made PostgreSQL collect all of them first,
    35,000 for a caseworker in ``bench/million.py``.
    """
    return Document.objects.filter(staff_sees_case(user), inbox_status=InboxStatus.NEW).order_by(
        "-received_at", "-id"
    )


def inbox_documents(user: User, *, limit: int = INBOX_LIMIT) -> QuerySet[Document]:
    """The newest ``limit`` new documents in the cases the user works on."""
    return _with_versions(_inbox(user))[:limit]


def inbox_fingerprint(user: User, *, limit: int = INBOX_LIMIT) -> str:
    """A short digest of what ``inbox_documents`` shows (which documents, their last change,
    their newest version and its preview), from one query without rendering anything: the
    polled inbox list is rendered only when it differs."""
    newest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    rows = (
        _inbox(user)
        .annotate(
            version=Subquery(newest.values("id")[:1]),
            thumbnail=Subquery(newest.values("thumbnail")[:1]),
        )
        .values_list("id", "updated_at", "case_id", "version", "thumbnail")[:limit]
    )
    return _digest(list(rows))


def inbox_fingerprint_of(documents: list[Document]) -> str:
    """The same digest from documents already read by ``inbox_documents``, without a query."""
    rows = []
    for document in documents:
        version = document.current_version
        rows.append(
            (
                document.pk,
                document.updated_at,
                document.case_id,
                version.pk if version else None,
                version.thumbnail.name if version else None,
            )
        )
    return _digest(rows)


def _digest(rows: list[tuple]) -> str:
    return hashlib.blake2b(repr(rows).encode(), digest_size=8).hexdigest()


def case_registers(case: Case) -> list[tuple[FilePlanEntry, list[Document]]]:
    """Every register of the case's file plan with its documents (empty registers too)."""
    documents = list(_with_versions(case.documents.all()).order_by("-received_at", "-id"))
    registers = FilePlanEntry.objects.filter(jobcenter_id=case.jobcenter_id)
    return [
        (register, [d for d in documents if d.register_id == register.pk]) for register in registers
    ]


def documents_submitted_by(user: User) -> QuerySet[Document]:
    return _with_versions(Document.objects.filter(submitted_by=user)).order_by("-received_at")
