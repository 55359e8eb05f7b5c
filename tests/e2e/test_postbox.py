"""The story of issue 4, in real Chromium: a Bescheid delivered digitally with evidence, and
on paper for everyone who has not consented.

Staff send a Bescheid → the customer gets the e-mail on the real SMTP server on loopback →
logs in on her phone and opens it → the desk shows it retrieved with its Bekanntgabe date. A
customer without consent → the letter is in the print batch. The customer withdraws her
consent → the next Bescheid goes to paper, and staff see the consent history.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from playwright.sync_api import Page, expect

from amtsbote.documents.tests import samples
from amtsbote.postbox.constants import Channel, LetterStatus
from amtsbote.postbox.models import Letter

from .test_core_loop import log_in, shot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def send_bescheid(ben: Page, case, person_name: str, subject: str) -> Letter:
    ben.goto(f"/desk/cases/{case.uuid}/letters/")
    ben.get_by_test_id("letter-create").click()
    form = ben.get_by_test_id("letter-form")
    form.locator('select[name="addressee"]').select_option(label=person_name)
    form.locator('select[name="kind"]').select_option("bescheid")
    form.locator('select[name="template"]').select_option("upload")
    form.locator('input[name="subject"]').fill(subject)
    form.locator('input[name="pdf"]').set_input_files(
        {
            "name": "bescheid.pdf",
            "mimeType": "application/pdf",
            "buffer": samples.pdf_bytes(2, [subject]),
        }
    )
    ben.get_by_test_id("letter-submit").click()
    expect(ben).to_have_url(re.compile(r"/desk/letters/[0-9a-f-]+/$"))
    return Letter.objects.get(subject=subject)


def test_bescheid_digital_with_evidence_and_paper_without_consent(
    desktop, phone, live_server, settings, caseworker_ben, customer_anna, customer_carl, mailbox
):
    settings.SITE_URL = live_server.url
    case_anna, case_carl = customer_anna.person.case, customer_carl.person.case

    # --- Anna agrees to electronic delivery; uploads alone would have kept paper ---
    anna = phone.new_page()
    log_in(anna, "anna@example.org", next_url="/portal/consents/")
    expect(anna.get_by_test_id("consent-e_bekanntgabe")).to_have_attribute("data-granted", "no")
    anna.get_by_test_id("grant-e_bekanntgabe").click()
    expect(anna.get_by_test_id("consent-e_bekanntgabe")).to_have_attribute("data-granted", "yes")
    expect(anna.get_by_test_id("consent-portal_use")).to_have_attribute("data-granted", "no")
    shot(anna, "portal-consents")

    # --- Ben sends a Bescheid ---
    ben = desktop.new_page()
    log_in(ben, "ben@jobcenter.example")
    letter = send_bescheid(ben, case_anna, "Anna Schmidt", "Bewilligungsbescheid Bürgergeld")
    assert letter.channel == Channel.DIGITAL
    expect(ben.get_by_test_id("step").and_(ben.locator('[data-step="smtp"]'))).to_contain_text(
        "250 Message accepted for delivery"
    )

    # --- Anna gets an e-mail without social data on the real SMTP server ---
    assert len(mailbox) == 1
    mail = mailbox[0]
    assert mail["To"] == "anna@example.org"
    body = mail.get_payload(decode=True).decode()
    assert "Bewilligungsbescheid" not in body and "96201BG0012345" not in body
    link = re.search(r"https?://\S+/portal/postbox/[0-9a-f-]+/", body).group(0)

    # --- … opens the postbox on her phone and the letter ---
    anna.goto("/portal/")
    anna.get_by_test_id("unread-letters").click()
    expect(anna).to_have_url(re.compile(r"/portal/postbox/$"))
    expect(anna.get_by_test_id("postbox-letter")).to_have_count(1)
    expect(anna.get_by_test_id("postbox-letter")).to_have_attribute("data-unread", "yes")
    anna.goto(link)
    letter.refresh_from_db()
    bekanntgabe = letter.bekanntgabe_on.strftime("%d.%m.%Y")
    deadline = letter.appeal_deadline.strftime("%d.%m.%Y")
    expect(anna.get_by_test_id("letter-appeal")).to_have_text(
        f"Sie können bis zum {deadline} Widerspruch einlegen."
    )
    shot(anna, "portal-letter")
    with anna.expect_download() as download:
        anna.get_by_test_id("letter-download").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    anna.goto("/portal/postbox/")
    expect(anna.get_by_test_id("postbox-letter")).to_have_attribute("data-unread", "no")

    # --- the desk shows it retrieved, with the Bekanntgabe date ---
    ben.goto(f"/desk/letters/{letter.uuid}/")
    expect(ben.get_by_test_id("letter-status")).to_have_attribute(
        "data-status", LetterStatus.RETRIEVED
    )
    expect(ben.locator('[data-step="retrieved"]')).to_contain_text("Anna Schmidt")
    expect(ben.get_by_test_id("letter-bekanntgabe")).to_have_text(bekanntgabe)
    shot(ben, "desk-letter")

    # --- Carl has not consented: his Bescheid goes into the print batch ---
    carl_letter = send_bescheid(ben, case_carl, "Carl Wagner", "Änderungsbescheid Carl")
    assert carl_letter.channel == Channel.PAPER
    assert len(mailbox) == 1
    ben.get_by_test_id("nav-print").click()
    expect(
        ben.locator(f'[data-testid="print-job"][data-letter="{carl_letter.uuid}"]')
    ).to_be_visible()
    with ben.expect_download() as download:
        ben.get_by_test_id("print-batch").click()
    batch = pikepdf.open(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(batch.pages) == 4  # address sheet + 2 pages + blank back page
    shot(ben, "desk-print-queue")

    # --- Anna withdraws her consent: the next Bescheid goes to paper ---
    anna.goto("/portal/consents/")
    anna.get_by_test_id("withdraw-e_bekanntgabe").click()
    expect(anna.get_by_test_id("consent-e_bekanntgabe")).to_have_attribute("data-granted", "no")
    next_letter = send_bescheid(ben, case_anna, "Anna Schmidt", "Aufhebungsbescheid")
    assert next_letter.channel == Channel.PAPER
    expect(ben.get_by_test_id("letter-status")).to_have_attribute(
        "data-status", LetterStatus.PRINT_QUEUED
    )
    assert len(mailbox) == 1

    # --- and staff see the consent history ---
    ben.goto(f"/desk/cases/{case_anna.uuid}/letters/")
    person = ben.locator(
        f'[data-testid="person-consents"][data-person="{customer_anna.person.uuid}"]'
    )
    expect(person.get_by_test_id("consent-e_bekanntgabe")).to_have_attribute("data-granted", "no")
    events = person.get_by_test_id("consent-event")
    expect(events).to_have_count(2)
    expect(events.nth(0)).to_have_attribute("data-granted", "no")
    expect(events.nth(1)).to_have_attribute("data-granted", "yes")
