"""The messages story of issue 5, in real Chromium: a message with a photo from the phone
reaches the team inbox, the caseworker answers, the customer is told by e-mail (real SMTP
server on loopback) without any content, and reads the answer on her phone. Closed, the
whole thread is a PDF in the e-file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from amtsbote.documents.models import Document
from amtsbote.messaging.models import Message, Thread

from .test_core_loop import camera_photo, log_in, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

QUESTION = "Guten Tag, anbei der neue Mietvertrag. Ab wann zahlen Sie die höhere Miete?"
ANSWER = "Danke, wir zahlen die neue Miete von 612 Euro ab dem 1. März."


def test_message_with_photo_reaches_team_inbox_and_reply_mails_without_content(
    desktop, phone, live_server, settings, caseworker_ben, customer_anna, mailbox
):
    settings.SITE_URL = live_server.url
    case = customer_anna.person.case

    # --- Anna writes from her phone, with a photo of the rent contract ---
    anna = phone.new_page()
    log_in(anna, "anna@example.org", next_url="/portal/")
    anna.get_by_test_id("nav-messages").click()
    expect(anna.get_by_test_id("messages-empty")).to_be_visible()
    anna.get_by_test_id("message-new").click()
    form = anna.get_by_test_id("message-form")
    form.get_by_label("Geld und Leistungen (Bürgergeld)").check()
    form.get_by_label("Betreff").fill("Neuer Mietvertrag")
    form.get_by_label("Ihre Nachricht").fill(QUESTION)
    anna.get_by_test_id("message-photos").set_input_files(
        {
            "name": "mietvertrag.jpg",
            "mimeType": "image/jpeg",
            "buffer": camera_photo(["Mietvertrag"]),
        }
    )
    shot(anna, "portal-message-new")
    anna.get_by_test_id("message-send").click()
    expect(anna.get_by_test_id("message-sent")).to_be_visible()
    message = Message.objects.get()
    expect(anna.get_by_test_id("receipt-reference")).to_have_text(message.reference)
    expect(anna.get_by_test_id("receipt-file")).to_have_count(1)
    shot(anna, "portal-message-receipt")
    with anna.expect_download() as download:
        anna.get_by_test_id("receipt-pdf").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    # The attachment is in the e-file: originals kept, one PDF, register Schriftverkehr.
    document = message.document
    assert document.case == case and document.register.code == "schriftverkehr"
    assert document.originals.get().filename == "mietvertrag.jpg"

    # --- Ben finds it in the team inbox, unread, with the attachment ---
    ben = desktop.new_page()
    log_in(ben, "ben@jobcenter.example", next_url="/desk/")
    ben.get_by_test_id("nav-messages").click()
    row = ben.get_by_test_id("thread")
    expect(row).to_have_count(1)
    expect(row).to_have_attribute("data-unread", "yes")
    expect(row).to_contain_text("Neuer Mietvertrag")
    expect(row).to_contain_text("Anna Schmidt")
    row.get_by_test_id("thread-link").click()
    expect(ben.get_by_test_id("thread-team")).to_contain_text("Leistung")
    expect(ben.get_by_test_id("message-body")).to_have_text(QUESTION)
    expect(ben.get_by_test_id("message-attachment")).to_be_visible()
    shot(ben, "desk-thread")

    # --- … answers; Anna gets an e-mail that says only that there is a message ---
    ben.get_by_label("Antwort (Deutsch)").fill(ANSWER)
    ben.get_by_test_id("reply-submit").click()
    expect(ben.locator('[data-testid="message"][data-from="staff"]')).to_contain_text("612 Euro")
    assert len(mailbox) == 1
    mail = mailbox[0]
    assert mail["To"] == "anna@example.org"
    assert mail["Subject"] == "Sie haben eine neue Nachricht"
    body = mail.get_payload(decode=True).decode()
    for secret in ("612", "Miete", "Mietvertrag", case.bg_number, "Leistung"):
        assert secret not in body
    link = re.search(r"https?://\S+/portal/messages/[0-9a-f-]+/", body).group(0)

    # --- Anna sees the new answer marked, and reads it ---
    anna.goto("/portal/messages/")
    expect(anna.get_by_test_id("thread")).to_have_attribute("data-unread", "yes")
    anna.goto(link)
    expect(anna.locator('[data-testid="message"][data-from="staff"]')).to_contain_text(ANSWER)
    shot(anna, "portal-thread")
    anna.goto("/portal/messages/")
    expect(anna.get_by_test_id("thread")).to_have_attribute("data-unread", "no")

    # --- Ben closes it: the whole thread is filed as a PDF and stays in the case file ---
    ben.get_by_test_id("thread-close").click()
    expect(ben.get_by_test_id("thread-status")).to_have_attribute("data-status", "closed")
    record = Thread.objects.get().record
    assert record is not None and record.register.code == "schriftverkehr"
    ben.goto(f"/desk/cases/{case.uuid}/")
    expect(ben.get_by_test_id("register-schriftverkehr")).to_contain_text(record.title)
    assert Document.objects.filter(case=case).count() == 2
