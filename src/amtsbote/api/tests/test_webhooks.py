"""Webhooks end to end: a real HTTP receiver on loopback checks each call's HMAC signature
on its own (as a client's software would), answers as told, and keeps what it got."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command

from amtsbote.cases.tests.factories import JobcenterFactory
from amtsbote.core.exceptions import ValidationFailed
from amtsbote.doc_requests.services import ItemSpec, doc_request_create, submission_create
from amtsbote.documents.tests import samples
from amtsbote.eforms.tests.factories import send_move
from amtsbote.integrations.constants import DeliveryStatus, WebhookEvent
from amtsbote.integrations.models import WebhookDelivery
from amtsbote.integrations.webhooks import (
    verify,
    webhook_deliveries_retry,
    webhook_endpoint_create,
)
from amtsbote.postbox.services import letter_record_retrieval
from amtsbote.postbox.tests.factories import ConsentFactory, send_letter

from .factories import api_client_with_key


@dataclass
class Call:
    headers: dict[str, str]
    body: bytes
    signature_valid: bool


@dataclass
class Receiver:
    """The client's webhook receiver: verifies ``Amtsbote-Signature`` with the secret it
    was given and answers with the next of ``answers`` (then 204)."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    url: str = ""

    def check(self, headers: dict[str, str], body: bytes) -> bool:
        timestamp = headers.get("Amtsbote-Timestamp", "")
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(headers.get("Amtsbote-Signature", ""), f"v1={expected}")

    @property
    def events(self) -> list[str]:
        return [json.loads(call.body)["event"] for call in self.calls]


@pytest.fixture
def receiver():
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = dict(self.headers.items())
            state.calls.append(Call(headers, body, state.check(headers, body)))
            self.send_response(state.answers.pop(0) if state.answers else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def hooked(fachverfahren, receiver, settings):
    """The benefits software of Musterstadt listens to every event."""
    settings.WEBHOOK_ALLOW_HTTP = True  # the receiver is plain HTTP on loopback
    _endpoint, receiver.secret = webhook_endpoint_create(
        client=fachverfahren, url=receiver.url, events=WebhookEvent.values
    )
    return receiver


@pytest.fixture
def send_webhooks(django_capture_on_commit_callbacks):
    """Run ``action`` and then only the webhook work it queued for after commit (not, say,
    the OCR of a filed document, which other tests cover)."""

    def run(action):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            result = action()
        for callback in callbacks:
            if callback.__code__.co_filename.endswith("integrations/webhooks.py"):
                callback()
        return result

    return run


def _upload(case, customer, caseworker):
    request = doc_request_create(
        case=case,
        team=case.teams.get(),
        created_by=caseworker,
        items=[ItemSpec(label="Kontoauszüge")],
    )
    submission_create(
        request=request,
        submitted_by=customer,
        files_by_item={request.items.get(): [("auszug.pdf", samples.pdf_bytes())]},
    )
    return request


def test_upload_signed_events_for_document_and_fulfilled_request(
    hooked, send_webhooks, case_anna, customer_anna, caseworker_ben
):
    request = send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    assert sorted(hooked.events) == ["document.received", "request.fulfilled"]
    assert all(call.signature_valid for call in hooked.calls)
    by_event = {json.loads(call.body)["event"]: json.loads(call.body) for call in hooked.calls}
    fulfilled = by_event["request.fulfilled"]["data"]
    assert fulfilled["request"] == str(request.uuid)
    assert fulfilled["bg_number"] == case_anna.bg_number
    received = by_event["document.received"]
    assert received["data"]["source"] == "portal" and received["jobcenter"] == "musterstadt"
    # Names and numbers of people stay inside: the client fetches what it needs.
    assert b"Schmidt" not in b"".join(call.body for call in hooked.calls)
    call = hooked.calls[0]
    assert call.headers["Amtsbote-Event"] in WebhookEvent.values
    assert call.headers["Amtsbote-Delivery"] == json.loads(call.body)["id"]
    assert verify(hooked.secret, call.headers, call.body)
    assert not verify("whsec_wrong", call.headers, call.body)
    log = WebhookDelivery.objects.all()
    assert {(d.status, d.attempts, d.response_status) for d in log} == {("delivered", 1, 204)}


def test_letter_retrieved_and_form_submitted(hooked, send_webhooks, customer_anna, caseworker_ben):
    person = customer_anna.person
    ConsentFactory(person=person)
    letter = send_letter(person, by=caseworker_ben)
    send_webhooks(lambda: letter_record_retrieval(letter=letter, user=customer_anna, how="view"))
    send_webhooks(lambda: letter_record_retrieval(letter=letter, user=customer_anna, how="pdf"))
    send_webhooks(lambda: send_move(customer_anna))
    # Retrieved twice, told once; the form's PDF arrives in the e-file as a document too.
    assert sorted(hooked.events) == ["document.received", "form.submitted", "letter.retrieved"]
    assert all(call.signature_valid for call in hooked.calls)
    by_event = {json.loads(call.body)["event"]: json.loads(call.body) for call in hooked.calls}
    retrieved = by_event["letter.retrieved"]["data"]
    assert retrieved["letter"] == str(letter.uuid) and "bekanntgabe_on" in retrieved
    assert by_event["form.submitted"]["data"]["form"] == "veraenderungsmitteilung"


def test_retried_with_back_off_then_delivered(
    hooked, send_webhooks, case_anna, customer_anna, caseworker_ben, settings
):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    hooked.answers = [500, 500, 500, 500]  # the receiver is down for a while
    send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    delivery = WebhookDelivery.objects.get(event="request.fulfilled")
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("pending", 1, 500)
    first_wait = delivery.next_attempt_at - delivery.last_attempt_at
    assert first_wait == dt.timedelta(seconds=60)
    assert webhook_deliveries_retry(now=delivery.last_attempt_at) == 0  # not due yet
    webhook_deliveries_retry(now=delivery.next_attempt_at + dt.timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.status == "pending"
    assert delivery.next_attempt_at - delivery.last_attempt_at == dt.timedelta(seconds=120)
    call_command("webhooks_retry")  # the command, once more due later: not yet
    webhook_deliveries_retry(now=delivery.next_attempt_at + dt.timedelta(seconds=1))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.attempts == 3
    assert delivery.response_status == 204 and delivery.delivered_at is not None
    assert all(call.signature_valid for call in hooked.calls)


def test_gives_up_after_the_last_attempt(
    hooked, send_webhooks, case_anna, customer_anna, caseworker_ben, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    hooked.answers = [503] * 10
    send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    delivery = WebhookDelivery.objects.get(event="document.received")
    webhook_deliveries_retry(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("failed", 2, "HTTP 503")
    assert delivery.next_attempt_at is None
    webhook_deliveries_retry(now=delivery.last_attempt_at + dt.timedelta(days=1))
    delivery.refresh_from_db()
    assert delivery.attempts == 2  # given up: not tried again


def test_unreachable_receiver_is_logged(
    fachverfahren, send_webhooks, case_anna, customer_anna, caseworker_ben, settings
):
    settings.WEBHOOK_ALLOW_HTTP = True
    webhook_endpoint_create(
        client=fachverfahren, url="http://127.0.0.1:9/hooks", events=["document.received"]
    )
    send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.response_status is None
    assert delivery.last_error


def test_only_the_own_jobcenter_and_the_chosen_events(
    receiver, send_webhooks, case_anna, customer_anna, caseworker_ben, settings
):
    settings.WEBHOOK_ALLOW_HTTP = True
    other = JobcenterFactory(slug="hook-anderswo", team_names=["L"])
    stranger, _key = api_client_with_key(other, name="Anderswo")
    webhook_endpoint_create(client=stranger, url=receiver.url, events=WebhookEvent.values)
    own, _key = api_client_with_key(case_anna.jobcenter, name="Nur Formulare")
    webhook_endpoint_create(client=own, url=receiver.url, events=["form.submitted"])
    send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    assert receiver.calls == []
    assert not WebhookDelivery.objects.exists()


def test_an_https_address_and_known_events_are_required(fachverfahren):
    with pytest.raises(ValidationFailed):
        webhook_endpoint_create(
            client=fachverfahren, url="http://example.org/", events=["document.received"]
        )
    with pytest.raises(ValidationFailed):
        webhook_endpoint_create(
            client=fachverfahren, url="https://example.org/", events=["document.deleted"]
        )


def test_a_client_hears_only_of_what_it_may_read(
    receiver, send_webhooks, case_anna, customer_anna, caseworker_ben, settings
):
    settings.WEBHOOK_ALLOW_HTTP = True
    requests_only, _key = api_client_with_key(
        case_anna.jobcenter, name="Nur Anfragen", scopes=["requests:read"]
    )
    _endpoint, receiver.secret = webhook_endpoint_create(
        client=requests_only, url=receiver.url, events=WebhookEvent.values
    )
    send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    assert receiver.events == ["request.fulfilled"]


def test_the_delivery_log_through_the_api(
    hooked,
    send_webhooks,
    fachverfahren,
    api_other_jobcenter,
    case_anna,
    customer_anna,
    caseworker_ben,
):
    hooked.answers = [500]
    send_webhooks(lambda: _upload(case_anna, customer_anna, caseworker_ben))
    api = fachverfahren.http
    [webhook] = api.get("/api/v1/webhooks/").json()["results"]
    assert webhook["url"] == hooked.url and "secret" not in webhook
    log = api.get("/api/v1/webhooks/deliveries/").json()["results"]
    assert sorted(row["event"] for row in log) == ["document.received", "request.fulfilled"]
    assert sorted(row["status"] for row in log) == ["delivered", "pending"]  # one got the 500
    failed = api.get("/api/v1/webhooks/deliveries/", {"status": "pending"}).json()["results"]
    assert [(row["attempts"], row["response_status"]) for row in failed] == [(1, 500)]
    assert api.get("/api/v1/webhooks/deliveries/", {"status": "x"}).status_code == 400
    assert api_other_jobcenter.get("/api/v1/webhooks/deliveries/").json()["count"] == 0
