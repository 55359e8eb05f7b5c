"""The only way API views fetch objects: always within the client's jobcenter.

An object of another jobcenter and a missing one both raise 404. Reads of documents and of
incoming post are audited with the client's service account as the actor, like a staff read.
"""

from __future__ import annotations

import uuid
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from amtsbote import audit
from amtsbote.cases.models import Case, Person
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.selectors import with_items
from amtsbote.documents.models import Document
from amtsbote.intake.constants import IntakeStatus
from amtsbote.intake.models import IntakeDocument
from amtsbote.integrations.models import ApiClient
from amtsbote.postbox.models import Letter
from amtsbote.postbox.selectors import with_details

M = TypeVar("M", bound=Model)


def cases_for_client(client: ApiClient) -> QuerySet[Case]:
    return Case.objects.filter(jobcenter_id=client.jobcenter_id)


def intake_documents_for_client(client: ApiClient) -> QuerySet[IntakeDocument]:
    """Incoming post of the client's jobcenter that was filed or waits in triage."""
    return IntakeDocument.objects.filter(
        file__jobcenter_id=client.jobcenter_id,
        status__in=[IntakeStatus.FILED, IntakeStatus.TRIAGE],
    ).select_related("file", "file__batch", "case", "document", "request")


def _get(queryset: QuerySet[M], object_uuid: uuid.UUID | str, what: str) -> M:
    try:
        return queryset.get(uuid=object_uuid)
    except (ObjectDoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(f"no such {what}") from exc


def access_case_for_client(client: ApiClient, case_uuid: uuid.UUID | str) -> Case:
    return _get(cases_for_client(client).select_related("jobcenter"), case_uuid, "case")


def access_person_for_client(client: ApiClient, person_uuid: uuid.UUID | str) -> Person:
    people = Person.objects.filter(case__jobcenter_id=client.jobcenter_id)
    return _get(people.select_related("case__jobcenter"), person_uuid, "person")


def access_document_for_client(client: ApiClient, document_uuid: uuid.UUID | str) -> Document:
    documents = Document.objects.filter(case__jobcenter_id=client.jobcenter_id).select_related(
        "case", "register", "document_type"
    )
    document = _get(documents, document_uuid, "document")
    audit.record(
        "documents.document.view",
        actor=client.user,
        subject=document,
        jobcenter_id=client.jobcenter_id,
        case_id=document.case_id,
        data={"api_client": str(client.uuid)},
    )
    return document


def access_doc_request_for_client(client: ApiClient, request_uuid: uuid.UUID | str) -> DocRequest:
    requests = with_items(DocRequest.objects.filter(case__jobcenter_id=client.jobcenter_id))
    return _get(requests, request_uuid, "request")


def access_letter_for_client(client: ApiClient, letter_uuid: uuid.UUID | str) -> Letter:
    letters = with_details(Letter.objects.filter(case__jobcenter_id=client.jobcenter_id))
    return _get(letters, letter_uuid, "letter")


def access_intake_document_for_client(
    client: ApiClient, intake_uuid: uuid.UUID | str
) -> IntakeDocument:
    intake = _get(intake_documents_for_client(client), intake_uuid, "incoming document")
    audit.record(
        "intake.document.view",
        actor=client.user,
        subject=intake,
        jobcenter_id=client.jobcenter_id,
        case_id=intake.case_id,
        data={"api_client": str(client.uuid)},
    )
    return intake
