"""Reads for drafts and sent forms."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.doc_requests.models import DocRequest, DocRequestItem

from .models import FormDraft, FormSubmission


def with_related(submissions: QuerySet[FormSubmission]) -> QuerySet[FormSubmission]:
    return submissions.select_related(
        "case__jobcenter", "person", "submitted_by", "document"
    ).prefetch_related(
        Prefetch(
            "follow_ups",
            queryset=DocRequest.objects.select_related("team").prefetch_related(
                Prefetch(
                    "items",
                    queryset=DocRequestItem.objects.prefetch_related("documents__versions"),
                )
            ),
        )
    )


def submissions_for_case(case: Case) -> QuerySet[FormSubmission]:
    return (
        FormSubmission.objects.filter(case=case)
        .select_related("person", "document")
        .prefetch_related("follow_ups__items")
    )


def submissions_for_customer(user: User) -> QuerySet[FormSubmission]:
    return FormSubmission.objects.filter(submitted_by=user).order_by("-created_at")


def drafts_for_customer(user: User) -> dict[str, FormDraft]:
    return {draft.form_code: draft for draft in FormDraft.objects.filter(user=user)}


def draft_for_customer(user: User, form_code: str) -> FormDraft | None:
    return FormDraft.objects.filter(user=user, form_code=form_code).first()
