"""The story of issue 2, in real Chromium: a caseworker asks, the customer photographs, the
caseworker has the documents in the e-file.

Desk in a desktop viewport, portal in a 390×844 phone viewport. Runs on SQLite and on
PostgreSQL (``make test`` runs the suite on both). Set AMTSBOTE_SCREENSHOTS=docs/screenshots
to save the screenshots used in the README.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from amtsbote.accounts.tests.factories import PASSWORD
from amtsbote.doc_requests.constants import RequestStatus
from amtsbote.doc_requests.models import DocRequest
from amtsbote.documents.models import Document, OriginalFile
from amtsbote.documents.tests import samples

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCREENSHOTS = os.environ.get("AMTSBOTE_SCREENSHOTS")


def shot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def log_in(page: Page, email: str, next_url: str = "/") -> None:
    page.goto(next_url)
    if "/accounts/login/" in page.url:
        page.locator('input[name="login"]').fill(email)
        page.locator('input[name="password"]').fill(PASSWORD)
        page.locator('form button[type="submit"]').first.click()
        expect(page).not_to_have_url(re.compile("/accounts/login/"))


def camera_photo(lines: list[str]) -> bytes:
    """A 3000×4000 camera photo stored sideways with EXIF orientation 6, as phones do."""
    upright = samples.page_image(lines, size=(3000, 4000))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone Maker"
    upright.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=80, exif=exif)
    return out.getvalue()


def test_caseworker_asks_customer_photographs_caseworker_has_them(
    desktop, phone, live_server, settings, caseworker_ben, customer_anna, mailbox
):
    settings.SITE_URL = live_server.url

    # --- Ben asks for documents -------------------------------------------------------------
    ben = desktop.new_page()
    log_in(ben, "ben@jobcenter.example")
    expect(ben).to_have_url(re.compile(r"/desk/$"))
    ben.goto("/desk/cases/?q=96201BG0012345")
    ben.get_by_test_id("search-result").get_by_role("link", name="96201BG0012345").click()
    expect(ben.get_by_test_id("case-bg-number")).to_contain_text("96201BG0012345")
    ben.get_by_test_id("request-create").click()
    ben.get_by_label("Mietvertrag", exact=True).check()
    ben.get_by_label("Meldebescheinigung", exact=True).check()
    shot(ben, "desk-request-create")
    ben.get_by_test_id("request-submit").click()
    expect(ben).to_have_url(re.compile(r"/desk/requests/[0-9a-f-]+/$"))
    doc_request = DocRequest.objects.get()
    position = {item.label: item.position for item in doc_request.items.all()}
    assert set(position) == {"Mietvertrag", "Meldebescheinigung"}
    rent, registration = position["Mietvertrag"], position["Meldebescheinigung"]
    ben.goto("/desk/")
    expect(ben.get_by_test_id("inbox-item")).to_have_count(0)

    # --- Anna gets an e-mail without social data ----------------------------------------------
    assert len(mailbox) == 1
    mail = mailbox[0]
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == "Sie haben eine neue Aufgabe im Portal"
    body = mail.get_payload(decode=True).decode()
    assert "96201BG0012345" not in body and "Mietvertrag" not in body
    link = re.search(r"https?://\S+/portal/requests/[0-9a-f-]+/", body).group(0)

    # --- Anna photographs and sends on her phone -----------------------------------------------
    anna = phone.new_page()
    log_in(anna, "anna@example.org", next_url=link)
    expect(anna).to_have_url(link)
    anna.get_by_test_id(f"camera-{rent}").set_input_files(
        [
            {
                "name": "IMG_0001.jpg",
                "mimeType": "image/jpeg",
                "buffer": camera_photo(["Mietvertrag", "Seite 1"]),
            },
            {
                "name": "IMG_0002.jpg",
                "mimeType": "image/jpeg",
                "buffer": camera_photo(["Mietvertrag", "Seite 2"]),
            },
        ]
    )
    expect(anna.get_by_test_id(f"item-{rent}").locator("img")).to_have_count(2)
    anna.get_by_test_id(f"file-{registration}").set_input_files(
        [
            {
                "name": "meldebescheinigung.pdf",
                "mimeType": "application/pdf",
                "buffer": samples.pdf_bytes(1, ["Meldebescheinigung"]),
            }
        ]
    )
    shot(anna, "portal-upload")
    anna.get_by_test_id("send").click()
    expect(anna).to_have_url(re.compile(r"/portal/receipts/[0-9a-f-]+/$"), timeout=60_000)
    expect(anna.get_by_test_id("receipt-reference")).to_be_visible()
    expect(anna.get_by_test_id("receipt-file")).to_have_count(3)
    shot(anna, "portal-receipt")
    with anna.expect_download() as download:
        anna.get_by_test_id("receipt-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # The phone downscaled the photos and applied their orientation before sending.
    for original in OriginalFile.objects.filter(mime_type="image/jpeg"):
        with original.file.open("rb") as handle:
            image = Image.open(handle)
            assert max(image.size) <= 2000
            assert image.height > image.width

    # --- Ben's inbox shows them without a reload --------------------------------------------------
    expect(ben.get_by_test_id("inbox-item")).to_have_count(2, timeout=15_000)
    shot(ben, "desk-inbox")
    ben.get_by_test_id("inbox-item").first.get_by_role("link").nth(1).click()
    expect(ben.get_by_test_id("case-bg-number")).to_contain_text("96201BG0012345")
    register = ben.get_by_test_id("register-unterkunft")
    rows = register.get_by_test_id("register-document")
    expect(rows).to_have_count(2)
    thumbnails = register.locator("img")
    expect(thumbnails).to_have_count(2)
    for index in range(2):
        thumbnails.nth(index).scroll_into_view_if_needed()
        expect(thumbnails.nth(index)).to_have_js_property("complete", True)
        assert thumbnails.nth(index).evaluate("img => img.naturalWidth") > 0
    shot(ben, "desk-case")
    doc_request.refresh_from_db()
    assert doc_request.status == RequestStatus.FULFILLED
    assert Document.objects.get(title="Mietvertrag").current_version.pages == 2

    # The request page says so too.
    ben.goto(f"/desk/requests/{doc_request.uuid}/")
    expect(ben.get_by_test_id("item-status")).to_have_count(2)
    for status in ben.get_by_test_id("item-status").all():
        expect(status).to_have_attribute("data-status", "fulfilled")

    # And the document opens in the viewer with its two pages.
    ben.goto(f"/desk/documents/{Document.objects.get(title='Mietvertrag').uuid}/")
    pages = ben.locator("img[src*='/pages/']")
    expect(pages).to_have_count(2)
    shot(ben, "desk-viewer")
