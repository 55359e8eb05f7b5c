"""Reads for drafts and sent forms."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from amtsbote.accounts.models import User
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.models import Case, Person
from amtsbote.doc_requests.models import DocRequest, DocRequestItem

from .models import FormDraft, FormSubmission


def with_related(submissions: QuerySet[FormSubmission]) -> QuerySet[FormSubmission]:
    return submissions.select_related(
        "case__jobcenter", "person", "submitted_by", "document", "on_behalf_of"
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
        .select_related("person", "document", "submitted_by", "on_behalf_of")
        .prefetch_related("follow_ups__items")
    )


def customer_submissions_filter(user: User) -> Q:
    """What a customer sent themselves, and what representatives sent in their name."""
    return Q(submitted_by=user, on_behalf_of__isnull=True) | Q(on_behalf_of__user=user)


def submissions_for_customer(user: User) -> QuerySet[FormSubmission]:
    if not user.is_authenticated:
        return FormSubmission.objects.none()
    return (
        FormSubmission.objects.filter(customer_submissions_filter(user))
        .select_related("submitted_by", "on_behalf_of")
        .order_by("-created_at")
    )


def submissions_for_representative(user: User, person: Person) -> QuerySet[FormSubmission]:
    """What ``user`` sent in the name of ``person``, while a grant in force with "submit
    forms" lets them act for that person (else nothing)."""
    if not user.is_authenticated:
        return FormSubmission.objects.none()
    granted = represented_people(user, RepresentationScope.SUBMIT_FORMS).filter(pk=person.pk)
    return (
        FormSubmission.objects.filter(
            submitted_by=user, on_behalf_of=person, person_id__in=granted.values("id")
        )
        .select_related("submitted_by", "on_behalf_of")
        .order_by("-created_at")
    )


def drafts_for_customer(user: User, person: Person) -> dict[str, FormDraft]:
    """The drafts of the pair (account, person): a representative's drafts for a customer
    are not the customer's own, and the other way round."""
    return {draft.form_code: draft for draft in FormDraft.objects.filter(user=user, person=person)}


def draft_for_customer(user: User, person: Person, form_code: str) -> FormDraft | None:
    return (
        FormDraft.objects.select_related("person", "case")
        .filter(user=user, person=person, form_code=form_code)
        .first()
    )
