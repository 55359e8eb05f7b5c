"""The upload page in real Chromium at phone size (390×844): previews, downscaling, errors."""

from __future__ import annotations

import io
import os

import pytest
from django.conf import settings
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from amtsbote.accounts.tests.factories import PASSWORD
from amtsbote.doc_requests.models import Submission
from amtsbote.documents.models import OriginalFile
from amtsbote.documents.tests import samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _catalogue(transactional_db):
    """A transactional test flushes the tables, data migrations included: restore the catalogue."""
    from amtsbote.documents.constants import DEFAULT_DOCUMENT_TYPES
    from amtsbote.documents.models import DocumentType

    for code, name, register in DEFAULT_DOCUMENT_TYPES:
        DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "default_register_code": register}
        )


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}


@pytest.fixture
def page(browser, live_server, customer_anna):
    """Anna, logged in, on her phone, with English as the browser language."""
    client = Client()
    client.force_login(customer_anna)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = browser.new_context(locale="en-GB", **PHONE)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context.new_page()


def screenshot(page, name: str) -> None:
    """Full-page screenshots for a human look, when AMTSBOTE_SCREENSHOTS names a folder."""
    if folder := os.environ.get("AMTSBOTE_SCREENSHOTS"):
        page.screenshot(path=os.path.join(folder, f"portal-{name}.png"), full_page=True)


def big_photo() -> bytes:
    return samples.jpeg_bytes(["Mietvertrag", "Seite 1"], size=(3000, 4000))


def test_upload_in_the_browser(page, live_server, doc_request):
    page.goto(f"{live_server.url}/portal/")
    screenshot(page, "home")
    page.get_by_test_id("todo-open").click()
    screenshot(page, "request")
    send = page.get_by_test_id("send")
    expect(send).to_be_disabled()  # JavaScript disables it once the page has loaded

    page.get_by_test_id("camera-0").set_input_files(
        [
            {"name": "IMG_1.jpg", "mimeType": "image/jpeg", "buffer": big_photo()},
            {"name": "IMG_2.png", "mimeType": "image/png", "buffer": samples.png_bytes()},
        ]
    )
    item0 = page.get_by_test_id("item-0")
    expect(item0.get_by_test_id("page")).to_have_count(2)  # photos are resized first
    expect(send).to_be_enabled()
    # reorder: the PNG becomes page 1, then remove nothing; move it back
    item0.get_by_role("button", name="Move page 2 up").click()
    expect(item0.get_by_test_id("page").first).to_contain_text("IMG_2.png")
    item0.get_by_role("button", name="Move page 1 down").click()

    page.get_by_test_id("file-1").set_input_files(
        [
            {"name": "melde.pdf", "mimeType": "application/pdf", "buffer": samples.pdf_bytes()},
            {"name": "extra.pdf", "mimeType": "application/pdf", "buffer": samples.pdf_bytes()},
        ]
    )
    item1 = page.get_by_test_id("item-1")
    item1.get_by_role("button", name="Remove page 2").click()
    expect(item1.get_by_test_id("page")).to_have_count(1)

    screenshot(page, "request-with-pages")
    send.click()
    page.wait_for_url("**/portal/receipts/**")
    submission = Submission.objects.get()
    assert page.get_by_test_id("receipt-reference").inner_text() == submission.reference

    screenshot(page, "receipt")
    rent = doc_request.items.get(position=0).documents.get()
    assert [o.filename for o in rent.originals.order_by("position")] == ["IMG_1.jpg", "IMG_2.png"]
    assert [o.filename for o in OriginalFile.objects.exclude(document=rent)] == ["melde.pdf"]
    photo = rent.originals.get(position=0)
    with photo.file.open("rb") as handle:
        width, height = Image.open(io.BytesIO(handle.read())).size
    assert max(width, height) == 2000  # made smaller in the browser


def test_error_keeps_the_pages(page, live_server, doc_request):
    page.goto(f"{live_server.url}/portal/requests/{doc_request.uuid}/")
    page.get_by_test_id("file-0").set_input_files(
        [{"name": "foto.jpg", "mimeType": "image/jpeg", "buffer": b"<html>not a photo</html>"}]
    )
    page.get_by_test_id("send").click()
    error = page.get_by_test_id("upload-error")
    error.wait_for(state="visible")
    assert "PDF, JPEG, PNG" in error.inner_text()
    assert error.get_attribute("role") == "alert"
    expect(page.get_by_test_id("item-0").get_by_test_id("page")).to_have_count(1)
    expect(page.get_by_test_id("send")).to_be_enabled()
    assert Submission.objects.count() == 0
    screenshot(page, "request-error")


def test_sign_in_on_the_phone(browser, live_server, customer_anna):
    page = browser.new_context(locale="en-GB", **PHONE).new_page()
    page.goto(f"{live_server.url}/portal/")
    assert "/accounts/login/" in page.url
    screenshot(page, "login")
    assert page.get_by_test_id("signup-link").is_visible()
    page.get_by_label("Email").fill("anna@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/portal/")
    assert page.get_by_test_id("greeting").inner_text() == "Hello Anna"
