"""§ 67 SGB X: every desk page that shows a case or a document leaves an audit event."""

from __future__ import annotations

import pytest
from django.urls import reverse

from amtsbote.audit.models import AuditEvent
from amtsbote.doc_requests.services import ItemSpec, doc_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def doc_request(case_anna, team_leistung, caseworker_ben, customer_anna):
    return doc_request_create(
        case=case_anna,
        team=team_leistung,
        created_by=caseworker_ben,
        items=[ItemSpec(label="Kontoauszüge der letzten drei Monate")],
    )


def test_each_case_and_document_read_is_audited(
    client_ben, caseworker_ben, case_anna, document_anna, doc_request
):
    version = document_anna.current_version
    original = document_anna.originals.first()
    pages = [
        (reverse("desk:case_detail", args=[case_anna.uuid]), "cases.case.view"),
        (reverse("desk:case_letters", args=[case_anna.uuid]), "cases.case.view"),
        (reverse("desk:case_forms", args=[case_anna.uuid]), "cases.case.view"),
        (reverse("desk:case_threads", args=[case_anna.uuid]), "cases.case.view"),
        (reverse("desk:request_detail", args=[doc_request.uuid]), "doc_requests.request.view"),
        (reverse("desk:document_detail", args=[document_anna.uuid]), "documents.document.view"),
        (reverse("desk:version_page", args=[version.uuid, 1]), "documents.version.image_view"),
        (reverse("desk:version_thumbnail", args=[version.uuid]), "documents.version.image_view"),
        (reverse("desk:version_file", args=[version.uuid]), "documents.document.download"),
        (
            reverse("desk:original_file", args=[document_anna.uuid, original.uuid]),
            "documents.document.download",
        ),
        (reverse("desk:search") + f"?q=Mietvertrag&case={case_anna.uuid}", None),
    ]
    for url, action in pages:
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        response = client_ben.get(url)
        assert response.status_code == 200, url
        new = list(AuditEvent.objects.filter(id__gt=last))
        assert new, f"no audit event for {url}"
        assert all(event.actor_id == caseworker_ben.pk for event in new), url
        assert all(event.case_id == case_anna.pk for event in new), url
        if action is not None:
            assert action in [event.action for event in new], url
