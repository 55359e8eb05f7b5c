"""The only way UI and API code fetches a document: missing and forbidden both raise 404."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.selectors import cases_for_staff

from .models import Document, DocumentVersion


def access_document_for_staff(user: User, document_uuid: uuid.UUID | str) -> Document:
    """A document in a case the staff member works on; the read is audited."""
    try:
        document = Document.objects.select_related("case", "register", "document_type").get(
            uuid=document_uuid, case__in=cases_for_staff(user).values("id")
        )
    except (Document.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such document") from exc
    audit.record(
        "documents.document.view",
        actor=user,
        subject=document,
        jobcenter_id=user.jobcenter_id,
        case_id=document.case_id,
    )
    return document


def access_version_for_staff(user: User, version_uuid: uuid.UUID | str) -> DocumentVersion:
    try:
        return DocumentVersion.objects.select_related("document", "document__case").get(
            uuid=version_uuid, document__case__in=cases_for_staff(user).values("id")
        )
    except (DocumentVersion.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such document") from exc


def access_document_for_customer(user: User, document_uuid: uuid.UUID | str) -> Document:
    """A document the customer sent themselves."""
    if not user.is_authenticated:
        raise Http404("no such document")
    try:
        return Document.objects.select_related("register", "document_type").get(
            uuid=document_uuid, submitted_by=user
        )
    except (Document.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("no such document") from exc
