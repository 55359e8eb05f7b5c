"""The records page for team leads: four eyes through the interface, holds, certificates."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from amtsbote.audit.models import AuditEvent
from amtsbote.core.sealing import verify_pdf
from amtsbote.documents.models import Document
from amtsbote.records import services
from amtsbote.records.constants import ProposalStatus
from amtsbote.records.models import LegalHold
from amtsbote.records.tests.conftest import closed_long_ago, lead_lena, lead_tom  # noqa: F401

from .conftest import make_document

pytestmark = pytest.mark.django_db

TODAY = dt.date(2021, 1, 1)


@pytest.fixture
def proposal(closed_long_ago, lead_tom):  # noqa: F811
    make_document(closed_long_ago)
    return services.erasure_propose(case=closed_long_ago, actor=lead_tom, note="Art. 17 DSGVO")


def test_team_leads_see_the_page(client, lead_lena, proposal):  # noqa: F811
    client.force_login(lead_lena)
    response = client.get(reverse("desk:records"))
    assert response.status_code == 200
    assert proposal.case.bg_number in response.content.decode()


def test_caseworkers_and_customers_get_404(client, caseworker_ben, customer_anna, proposal):
    for user in (caseworker_ben, customer_anna):
        client.force_login(user)
        assert client.get(reverse("desk:records")).status_code == 404
        url = reverse("desk:records_decide", args=[proposal.uuid])
        assert client.post(url, {"decision": "approve"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_missing_proposal_is_404(client, lead_lena):  # noqa: F811
    client.force_login(lead_lena)
    url = reverse("desk:records_decide", args=["00000000-0000-0000-0000-000000000000"])
    assert client.post(url, {"decision": "approve"}).status_code == 404


def test_the_proposer_is_told_a_second_person_must_approve(client, lead_tom, proposal):  # noqa: F811
    client.force_login(lead_tom)
    url = reverse("desk:records_decide", args=[proposal.uuid])
    response = client.post(url, {"decision": "approve"}, follow=True)
    with translation.override("de"):
        expected = translation.gettext(
            "You proposed this disposal yourself: a second person has to approve it."
        )
    assert expected in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED


def test_a_second_team_lead_approves_and_the_documents_go(
    client,
    lead_lena,  # noqa: F811
    proposal,
    django_capture_on_commit_callbacks,
):
    client.force_login(lead_lena)
    url = reverse("desk:records_decide", args=[proposal.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISPOSED
    assert not Document.objects.filter(case=proposal.case).exists()

    response = client.get(reverse("desk:records_certificate", args=[proposal.uuid]))
    assert response.status_code == 200
    assert verify_pdf(b"".join(response.streaming_content)).genuine
    assert AuditEvent.objects.filter(action="records.certificate.download").count() == 1


def test_hold_set_and_lift(client, lead_lena, closed_long_ago):  # noqa: F811
    client.force_login(lead_lena)
    client.post(
        reverse("desk:records_hold_set"),
        {"bg_number": closed_long_ago.bg_number, "reason": "Klage SG"},
    )
    hold = LegalHold.objects.get(case=closed_long_ago)
    client.post(reverse("desk:records_hold_lift", args=[hold.uuid]))
    hold.refresh_from_db()
    assert hold.lifted_at is not None
