"""Fixtures for the portal: a document request for Anna's household, logged-in clients."""

from __future__ import annotations

import pytest
from django.test import Client

from amtsbote.doc_requests.services import ItemSpec, doc_request_create
from amtsbote.documents.models import DocumentType
from amtsbote.documents.tests import samples


@pytest.fixture
def doc_request(case_anna, team_leistung, caseworker_ben, customer_anna):
    return doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[
            ItemSpec(document_type=DocumentType.objects.get(code="mietvertrag")),
            ItemSpec(document_type=DocumentType.objects.get(code="meldebescheinigung")),
        ],
        message="Bitte senden Sie uns den neuen Mietvertrag.",
    )


@pytest.fixture
def anna_client(customer_anna) -> Client:
    client = Client()
    client.force_login(customer_anna)
    return client


@pytest.fixture
def carl_client(customer_carl) -> Client:
    client = Client()
    client.force_login(customer_carl)
    return client


@pytest.fixture
def items(doc_request):
    return list(doc_request.items.order_by("position"))


def field(item) -> str:
    return f"item-{item.uuid}"


@pytest.fixture
def submission(doc_request, items, anna_client):
    """Anna has sent two photos of her rent contract."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    response = anna_client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {
            field(items[0]): [
                SimpleUploadedFile("seite1.jpg", samples.jpeg_bytes(), "image/jpeg"),
            ]
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return doc_request.submissions.get()
