from __future__ import annotations

import pytest

from amtsbote.core.storage import StoredFiles
from amtsbote.documents import processing
from amtsbote.documents.constants import Source
from amtsbote.documents.models import DocumentType
from amtsbote.documents.services import document_create
from amtsbote.documents.tests import samples


@pytest.fixture
def client_ben(client, caseworker_ben):
    client.force_login(caseworker_ben)
    return client


def make_document(case, *, title="Mietvertrag", pages=1, source=Source.PORTAL, submitted_by=None):
    files = [processing.check_file("scan.pdf", samples.pdf_bytes(pages=pages, lines=[title]))]
    with StoredFiles() as stored:
        return document_create(
            case=case,
            files=files,
            title=title,
            source=source,
            document_type=DocumentType.objects.filter(code="mietvertrag").first(),
            submitted_by=submitted_by,
            stored=stored,
        )


@pytest.fixture
def document_anna(case_anna, customer_anna):
    # OCR would run after commit, in a task; inside a test transaction it does not run.
    return make_document(case_anna, pages=2, submitted_by=customer_anna)
