"""Document requests through the API: created in a team's name by the client, status read
back as the household answers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from amtsbote.audit.models import AuditEvent
from amtsbote.doc_requests.models import DocRequest
from amtsbote.doc_requests.services import submission_create
from amtsbote.documents.tests import samples


def _create(api, case, **body):
    body = {"items": [{"document_type": "kontoauszug"}, {"label": "Mietvertrag"}], **body}
    return api.post(f"/api/v1/cases/{case.uuid}/requests/", body, format="json")


@time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
def test_create_tells_the_household_and_is_audited(
    api, case_anna, customer_anna, fachverfahren, mailbox
):
    response = _create(api, case_anna, deadline="2026-03-21", message="Bitte bis Ende März.")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["team"] == "Leistung"
    # 21 March 2026 is a Saturday: the deadline moves to the next working day.
    assert body["deadline"] == "2026-03-23"
    assert [item["label"] for item in body["items"]] == ["Kontoauszüge", "Mietvertrag"]
    event = AuditEvent.objects.get(action="doc_requests.request.create")
    assert event.actor == fachverfahren.user


def test_status_follows_the_answers(api, case_anna, customer_anna):
    uuid = _create(api, case_anna).json()["uuid"]
    doc_request = DocRequest.objects.get(uuid=uuid)
    first = doc_request.items.order_by("position").first()
    submission_create(
        request=doc_request,
        submitted_by=customer_anna,
        files_by_item={first: [("auszug.pdf", samples.pdf_bytes())]},
    )
    body = api.get(f"/api/v1/requests/{uuid}/").json()
    assert body["status"] == "partly"
    assert body["items"][0]["status"] == "fulfilled" and len(body["items"][0]["documents"]) == 1
    assert body["items"][1]["status"] == "open"
    listing = api.get(f"/api/v1/cases/{case_anna.uuid}/requests/").json()
    assert [r["uuid"] for r in listing["results"]] == [uuid]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"label": ""}]}, "items"),
        ({"items": [{"document_type": "gibtsnicht"}]}, "items"),
        ({"team": "Gibtsnicht"}, "team"),
        ({"addressee": "00000000-0000-4000-8000-000000000000"}, "addressee"),
        ({"deadline": "2000-01-01"}, "non_field_errors"),
        ({"deadline": "morgen"}, "deadline"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(api, case_anna, body, field):
    response = _create(api, case_anna, **body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert field in error["fields"] and error["message"]
    assert not DocRequest.objects.exists()


def test_another_jobcenter_and_wrong_scope(api, api_other_jobcenter, api_no_scope, case_anna):
    uuid = _create(api, case_anna).json()["uuid"]
    for client, status in ((api_other_jobcenter, 404), (api_no_scope, 403)):
        assert client.get(f"/api/v1/requests/{uuid}/").status_code == status
        assert client.get(f"/api/v1/cases/{case_anna.uuid}/requests/").status_code == status
        assert _create(client, case_anna).status_code == status
    assert DocRequest.objects.count() == 1
