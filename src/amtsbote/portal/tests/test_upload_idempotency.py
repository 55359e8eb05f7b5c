"""The upload page carries an idempotency key: a repeated send gets the first receipt back."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsbote.doc_requests.models import Submission
from amtsbote.documents.models import Document, OriginalFile
from amtsbote.documents.tests import samples

from .conftest import field

pytestmark = pytest.mark.django_db

KEY_FIELD = re.compile(r'<input type="hidden" name="client_key" value="([A-Za-z0-9_-]{16,64})"')


def _key(client, doc_request) -> str:
    page = client.get(reverse("portal:request", args=[doc_request.uuid]))
    assert page.status_code == 200
    match = KEY_FIELD.search(page.content.decode())
    assert match, "the upload form has no client_key field"
    return match.group(1)


def _post(client, doc_request, item, key: str, *, text: str = "Seite 1", json: bool = False):
    headers = {"HTTP_X_REQUESTED_WITH": "fetch", "HTTP_ACCEPT": "application/json"} if json else {}
    return client.post(
        reverse("portal:request", args=[doc_request.uuid]),
        {
            "client_key": key,
            field(item): [SimpleUploadedFile("s.jpg", samples.jpeg_bytes([text]), "image/jpeg")],
        },
        **headers,
    )


def test_every_render_has_a_fresh_key(anna_client, doc_request):
    assert _key(anna_client, doc_request) != _key(anna_client, doc_request)


def test_a_repeated_send_gets_the_first_receipt(anna_client, doc_request, items):
    key = _key(anna_client, doc_request)
    first = _post(anna_client, doc_request, items[0], key)
    again = _post(anna_client, doc_request, items[0], key, text="anders")
    submission = Submission.objects.get()
    receipt = reverse("portal:receipt", args=[submission.uuid])
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == receipt
    assert submission.client_key == key
    assert Document.objects.count() == 1
    assert OriginalFile.objects.count() == 1


def test_the_upload_script_retry_gets_the_same_reference(anna_client, doc_request, items):
    key = _key(anna_client, doc_request)
    answers = [_post(anna_client, doc_request, items[1], key, json=True) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert len({a.json()["reference"] for a in answers}) == 1
    assert Submission.objects.count() == 1


def test_a_new_key_is_a_new_send(anna_client, doc_request, items):
    _post(anna_client, doc_request, items[0], _key(anna_client, doc_request))
    _post(anna_client, doc_request, items[1], _key(anna_client, doc_request))
    assert Submission.objects.count() == 2


def test_anothers_key_does_not_reveal_their_receipt(
    anna_client, carl_client, doc_request, items, customer_carl
):
    """The key is per user: Carl cannot send to Anna's request at all (404), key or not."""
    key = _key(anna_client, doc_request)
    _post(anna_client, doc_request, items[0], key)
    response = _post(carl_client, doc_request, items[0], key, json=True)
    assert response.status_code == 404
    assert Submission.objects.count() == 1


def test_a_broken_key_is_refused_with_a_message(anna_client, doc_request, items):
    response = _post(anna_client, doc_request, items[0], "nope", json=True)
    assert response.status_code == 400
    assert response.json()["error"] in (
        "The form is out of date. Please reload the page.",
        "Das Formular ist veraltet. Bitte laden Sie die Seite neu.",
    )
    assert Submission.objects.count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_upload_script_repeats_a_send_whose_answer_was_lost(
    browser, live_server, customer_anna, doc_request
):
    """Real Chromium: the send arrives and is stored, but its answer is lost on the way back.
    The page keeps the pages on the phone (outbox.js) and, being online, sends them again by
    itself with the same key: the customer gets the first receipt, nothing twice."""
    client = Client()
    client.force_login(customer_anna)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="en-GB", viewport={"width": 390, "height": 844})
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page = context.new_page()
    lost: list[int] = []

    def lose_first_answer(route) -> None:
        if route.request.method != "POST" or lost:
            route.continue_()
            return
        lost.append(route.fetch().status)  # the server receives and stores the send …
        route.abort()  # … but the browser never hears back

    page.route("**/portal/requests/**", lose_first_answer)
    page.goto(f"{live_server.url}{reverse('portal:request', args=[doc_request.uuid])}")
    page.get_by_test_id("file-0").set_input_files(
        [{"name": "melde.pdf", "mimeType": "application/pdf", "buffer": samples.pdf_bytes()}]
    )
    page.get_by_test_id("send").click()
    # Stored, though the browser heard nothing; the kept copy goes again with the same key.
    page.wait_for_url("**/portal/receipts/**")
    assert lost == [200]
    submission = Submission.objects.get()
    assert page.get_by_test_id("receipt-reference").inner_text() == submission.reference
    assert OriginalFile.objects.count() == 1
    context.close()


def test_the_hourly_limit_refuses_new_sends_but_not_a_repeat(
    anna_client, doc_request, items, settings
):
    settings.UPLOAD_SENDS_PER_HOUR = 1
    key = _key(anna_client, doc_request)
    assert _post(anna_client, doc_request, items[0], key).status_code == 302
    # the answer was lost, the phone sends again: the receipt, not "too often"
    assert _post(anna_client, doc_request, items[0], key).status_code == 302

    refused = _post(anna_client, doc_request, items[1], _key(anna_client, doc_request))
    assert refused.status_code == 400
    assert "sehr oft Dateien gesendet" in refused.content.decode()
    assert Submission.objects.count() == 1
