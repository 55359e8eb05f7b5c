"""The PDFs: DIN 5008 letters from templates, the duplex-safe print batch, the sealed proof."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2 as pdfium
import pytest

from amtsbote.core.sealing import verify_pdf
from amtsbote.postbox import rendering
from amtsbote.postbox.constants import LetterKind, LetterTemplate
from amtsbote.postbox.selectors import letter_timeline, print_queue
from amtsbote.postbox.services import LetterSpec, letter_create

from .factories import postbox_sender

pytestmark = pytest.mark.django_db


def pages_text(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def test_generic_letter_has_window_address_reference_and_page_numbers(carl):
    carl.street, carl.postal_code, carl.city = "Lindenweg 3", "12345", "Musterstadt"
    pdf = rendering.render_letter(
        "generic",
        rendering.letter_context(
            carl.case, carl, "Einladung zum Gespräch", paragraphs=["Absatz eins.", "Zwei."] * 40
        ),
    )
    texts = pages_text(pdf)
    assert len(texts) >= 2
    first = texts[0]
    for expected in ("Carl Wagner", "Lindenweg 3", "12345 Musterstadt", "96201BG0099999"):
        assert expected in first
    assert f"Seite 1 von {len(texts)}" in first
    assert f"Seite {len(texts)} von {len(texts)}" in texts[-1]
    # The address sits in the DIN 5008 window: 20–105 mm from the left, 45–90 mm from the top.
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    textpage = page.get_textpage()
    searcher = textpage.search("Lindenweg 3")
    index, _count = searcher.get_next()
    left, bottom, _right, top = textpage.get_charbox(index)
    height = page.get_height()
    mm = 72 / 25.4
    assert 20 * mm <= left <= 105 * mm
    assert 45 * mm <= height - top and height - bottom <= 90 * mm
    document.close()


def test_print_batch_pads_each_letter_to_an_even_page_count(
    carl, caseworker_ben, django_capture_on_commit_callbacks
):
    send = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)
    send(carl, pages=1, subject="Bescheid eins")  # + address sheet = 2 pages
    send(carl, pages=2, subject="Bescheid zwei")  # + address sheet = 3 → 4 pages
    generic = rendering.render_letter(
        "generic", rendering.letter_context(carl.case, carl, "Hinweis", paragraphs=["Text."])
    )
    letter_create(
        spec=LetterSpec(
            case=carl.case,
            addressee=carl,
            kind=LetterKind.LETTER,
            subject="Hinweis",
            pdf=generic,
            template=LetterTemplate.GENERIC,
        ),
        created_by=caseworker_ben,
    )  # 1 page, no address sheet → 2 pages
    jobs = list(print_queue(caseworker_ben))
    assert len(jobs) == 3
    batch = rendering.print_batch_pdf(jobs)
    pdf = pikepdf.open(io.BytesIO(batch))
    assert len(pdf.pages) == 2 + 4 + 2
    texts = pages_text(batch)
    assert "Bescheid eins" in texts[0] and "Carl Wagner" in texts[0]  # address sheet
    assert texts[3].strip() == ""  # blank back of the 3-page letter
    assert "Bescheid zwei" in texts[2] and "Carl Wagner" in texts[2]


def test_proof_of_delivery_is_sealed_and_names_the_evidence(
    anna, anna_consents, caseworker_ben, django_capture_on_commit_callbacks
):
    send = postbox_sender(django_capture_on_commit_callbacks, caseworker_ben)
    letter = send(anna)
    pdf = rendering.proof_of_delivery_pdf(
        letter, timeline=letter_timeline(letter), consent=anna_consents
    )
    text = "\n".join(pages_text(pdf))
    assert "Zustellnachweis" in text
    assert "250 Message accepted for delivery" in text
    assert letter.document.current_version.sha256[:20] in text.replace("\n", "")
    assert letter.bekanntgabe_on.strftime("%d.%m.%Y") in text
    assert verify_pdf(pdf).genuine
    tampered = pdf.replace(b"Zustellnachweis", b"Zustellnachweiz", 1)
    assert not verify_pdf(tampered).genuine
