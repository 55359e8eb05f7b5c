"""The portal as an installable app on a bad network, in real Chromium (Playwright's offline
mode): a send made without a connection is kept on the phone and sent by itself when the
connection is back, and it is filed once; a page opened without a connection shows the
offline page of the service worker.
"""

from __future__ import annotations

import re
import time

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from amtsbote.doc_requests.models import Submission
from amtsbote.documents.models import Document
from amtsbote.documents.tests import samples

from .test_core_loop import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECEIPT = re.compile(r"/portal/receipts/[0-9a-f-]+/$")

OUTBOX_RECORDS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("amtsbote-outbox", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("sends", { keyPath: "id" });
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const all = open.result.transaction("sends").objectStore("sends").getAll();
    all.onsuccess = () => { open.result.close(); resolve(all.result.map((r) => r.state)); };
  };
})"""

WORKER_READY = """() => navigator.serviceWorker.ready.then(async (registration) => {
  const names = await caches.keys();
  return Boolean(registration.active && navigator.serviceWorker.controller
    && names.some((name) => name.startsWith("amtsbote-shell-")));
})"""


def german(msgid: str) -> str:
    with translation.override("de"):
        return translation.gettext(msgid)


def wait_until(check, timeout: float = 15.0, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout} s: {check}")
        time.sleep(interval)


def wait_for_worker(page: Page) -> None:
    """The service worker is installed, controls the page and has kept the app shell."""
    wait_until(lambda: page.evaluate(WORKER_READY))


def test_a_send_made_offline_is_sent_when_online_again_and_filed_once(phone, doc_request):
    page = phone.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    url = f"/portal/requests/{doc_request.uuid}/"
    log_in(page, "anna@example.org", next_url=url)
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    wait_for_worker(page)

    # --- no connection: the photos are kept on the phone ---------------------------------------
    phone.set_offline(True)
    expect(page.get_by_test_id("pwa-offline")).to_be_visible()
    page.get_by_test_id("camera-0").set_input_files(
        [
            {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_bytes()},
            {
                "name": "seite2.pdf",
                "mimeType": "application/pdf",
                "buffer": samples.pdf_bytes(1, ["Mietvertrag", "Seite 2"]),
            },
        ]
    )
    expect(page.get_by_test_id("page")).to_have_count(2)
    page.get_by_test_id("send").click()
    kept = page.get_by_test_id("upload-queued")
    expect(kept).to_be_visible()
    expect(kept).to_contain_text(
        german("Saved on this phone. It will be sent when you are online again.")
    )
    expect(page.get_by_test_id("upload-error")).to_be_hidden()
    expect(page.get_by_test_id("page")).to_have_count(0)
    assert page.evaluate(OUTBOX_RECORDS) == ["waiting"]
    time.sleep(1)
    assert Submission.objects.filter(request=doc_request).count() == 0

    # --- the connection is back: sent by itself, the receipt opens -----------------------------
    phone.set_offline(False)
    expect(page).to_have_url(RECEIPT, timeout=30_000)
    expect(page.get_by_test_id("receipt-file")).to_have_count(2)
    submission = Submission.objects.get(request=doc_request)
    assert page.get_by_test_id("receipt-reference").inner_text() == submission.reference
    assert Document.objects.filter(case=doc_request.case).count() == 1
    assert page.evaluate(OUTBOX_RECORDS) == []

    # A reload of the request page (and the worker's Background Sync) sends nothing again.
    page.goto(url)
    page.reload()
    expect(page.get_by_test_id("upload-queued")).to_be_hidden()
    time.sleep(2)
    assert Submission.objects.filter(request=doc_request).count() == 1
    assert Document.objects.filter(case=doc_request.case).count() == 1
    assert not [text for text in console if "Content Security Policy" in text]


def test_a_lost_answer_is_sent_again_and_filed_once(phone, doc_request):
    """The send arrives but the phone loses the answer: the kept copy, sent again with the
    same idempotency key, gets the first receipt back instead of a second filing."""
    page = phone.new_page()
    url = f"/portal/requests/{doc_request.uuid}/"
    log_in(page, "anna@example.org", next_url=url)
    wait_for_worker(page)

    cut: list = []  # sends that broke off on the way, while the line is bad

    def bad_line(route):
        if route.request.method == "POST":
            cut.append(route.request)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(re.escape(url) + "$"), bad_line)
    page.get_by_test_id("camera-0").set_input_files(
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": samples.jpeg_bytes()}
    )
    page.get_by_test_id("send").click()
    expect(page.get_by_test_id("upload-queued")).to_be_visible()
    assert Submission.objects.filter(request=doc_request).count() == 0

    # The first send did arrive after all (its bytes, as the browser sent them) ...
    first = cut[0]
    arrived = phone.request.fetch(
        first.url, method="POST", headers=first.headers, data=first.post_data_buffer
    )
    assert arrived.ok, arrived.text()[:500]
    assert Submission.objects.filter(request=doc_request).count() == 1
    page.unroute_all(behavior="wait")

    # ... and the kept copy, sent when the phone is online again, files nothing twice.
    phone.set_offline(True)
    phone.set_offline(False)
    expect(page).to_have_url(RECEIPT, timeout=30_000)
    submission = Submission.objects.get(request=doc_request)
    assert page.get_by_test_id("receipt-reference").inner_text() == submission.reference
    assert Document.objects.filter(case=doc_request.case).count() == 1
    assert page.evaluate(OUTBOX_RECORDS) == []


def test_a_page_opened_offline_shows_the_offline_page(phone, customer_anna):
    page = phone.new_page()
    log_in(page, "anna@example.org", next_url="/portal/")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    wait_for_worker(page)

    phone.set_offline(True)
    page.goto("/portal/documents/")
    expect(page.get_by_test_id("offline-page")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(german("You are offline"))
    expect(page.locator("html")).to_have_attribute("lang", "de")
    # Nothing personal in the kept page, and the shell's styles come from the cache.
    expect(page.get_by_text("Anna")).to_have_count(0)
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Fira Sans"')

    # Back online, the page loads by itself.
    phone.set_offline(False)
    expect(page.get_by_test_id("offline-page")).to_have_count(0, timeout=15_000)
    expect(page).to_have_url(re.compile(r"/portal/documents/$"))
