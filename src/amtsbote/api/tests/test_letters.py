"""Letters and Bescheide through the API: delivered by the postbox's own service (digital
with consent, else paper), with the delivery evidence and the Bekanntgabe read back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from amtsbote.audit.models import AuditEvent
from amtsbote.cases.tests.factories import PersonFactory
from amtsbote.documents.tests import samples
from amtsbote.postbox.models import Letter
from amtsbote.postbox.services import letter_record_retrieval
from amtsbote.postbox.tests.factories import ConsentFactory


def _post(api, case, addressee, *, pdf=None, **fields):
    pdf = pdf or SimpleUploadedFile("bescheid.pdf", samples.pdf_bytes(lines=["Bescheid"]))
    body = {
        "addressee": str(addressee.uuid),
        "kind": "bescheid",
        "subject": "Bewilligungsbescheid",
        "file": pdf,
        **fields,
    }
    return api.post(
        f"/api/v1/cases/{case.uuid}/letters/", body, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    )


def test_digital_delivery_with_notification_retrieval_and_bekanntgabe(
    api, case_anna, customer_anna, fachverfahren, mailbox, django_capture_on_commit_callbacks
):
    person = customer_anna.person
    ConsentFactory(person=person)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _post(api, case_anna, person)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["channel"] == "digital" and body["status"] == "created"
    for callback in callbacks:  # the notification task (not the OCR of the filed copy)
        if "postbox" in callback.__code__.co_filename:
            callback()
    letter = Letter.objects.get(uuid=body["uuid"])
    letter_record_retrieval(letter=letter, user=customer_anna, how="view")
    body = api.get(f"/api/v1/letters/{letter.uuid}/").json()
    assert body["status"] == "retrieved"
    assert body["notified_at"] and body["first_retrieved_at"]
    notified = dt.datetime.fromisoformat(body["notified_at"])
    assert dt.date.fromisoformat(body["bekanntgabe_on"]) > notified.date()
    assert body["appeal_deadline"] > body["bekanntgabe_on"]
    assert len(mailbox) == 1
    event = AuditEvent.objects.get(action="postbox.letter.create")
    assert event.actor == fachverfahren.user


def test_without_consent_on_paper(api, case_anna):
    person = PersonFactory(case=case_anna)
    body = _post(api, case_anna, person, kind="letter").json()
    assert body["channel"] == "paper" and body["status"] == "print_queued"
    assert [job["reason"] for job in body["print_jobs"]] == ["no_consent"]
    listing = api.get(f"/api/v1/cases/{case_anna.uuid}/letters/").json()
    assert [row["uuid"] for row in listing["results"]] == [body["uuid"]]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"pdf": SimpleUploadedFile("foto.jpg", samples.jpeg_bytes())}, "file", "PDF"),
        ({"pdf": SimpleUploadedFile("x.pdf", b"%PDF-1.4 kaputt")}, "file", "damaged"),
        ({"kind": "mahnung"}, "kind", ""),
        ({"subject": ""}, "subject", ""),
    ],
)
def test_bad_input_is_400_and_stores_nothing(api, case_anna, customer_anna, fields, field, message):
    response = _post(api, case_anna, customer_anna.person, **fields)
    assert response.status_code == 400
    error = response.json()["error"]
    assert message in " ".join(error["fields"][field])
    assert not Letter.objects.exists() and not case_anna.documents.exists()


def test_an_addressee_of_another_household_is_400(api, case_anna, customer_carl):
    response = _post(api, case_anna, customer_carl.person)
    assert response.status_code == 400 and "addressee" in response.json()["error"]["fields"]
    assert not Letter.objects.exists()


def test_another_jobcenter_and_wrong_scope(
    api, api_other_jobcenter, api_no_scope, case_anna, customer_anna
):
    uuid = _post(api, case_anna, customer_anna.person).json()["uuid"]
    for client, status in ((api_other_jobcenter, 404), (api_no_scope, 403)):
        assert client.get(f"/api/v1/letters/{uuid}/").status_code == status
        assert client.get(f"/api/v1/cases/{case_anna.uuid}/letters/").status_code == status
        assert _post(client, case_anna, customer_anna.person).status_code == status
    assert Letter.objects.count() == 1
