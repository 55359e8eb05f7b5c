"""The only way UI and API code fetches requests and submissions: 404 when missing or not yours."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404

from amtsbote.accounts.models import User
from amtsbote.cases.access import represented_people
from amtsbote.cases.constants import RepresentationScope
from amtsbote.cases.selectors import cases_for_staff

from .models import DocRequest, Submission
from .selectors import with_items


def access_doc_request_for_customer(user: User, request_uuid: uuid.UUID | str) -> DocRequest:
    """A request to the customer's household, or to a household this account represents
    with "upload" today."""
    if not user.is_authenticated:
        raise Http404("no such request")
    person = getattr(user, "person", None)
    cases = represented_people(user, RepresentationScope.UPLOAD).values("case_id")
    query = Q(case_id__in=cases)
    if person is not None:
        query |= Q(case_id=person.case_id)
    try:
        return with_items(DocRequest.objects.filter(query)).get(uuid=request_uuid)
    except (DocRequest.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such request") from exc


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
