"""Scanned files are checked by content and rendered once per page."""

import pytest

from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.intake import pages, sheets
from amtsbote.intake.tests import scans


def test_refuses_other_kinds_with_a_clear_message():
    with pytest.raises(UnsupportedUpload) as info:
        pages.inspect("brief.docx", b"PK\x03\x04 not a scan")
    assert "brief.docx" in info.value.message
    assert "PDF, TIFF, JPEG, PNG" in info.value.message
    with pytest.raises(UnsupportedUpload):
        pages.inspect("leer.pdf", b"")
    with pytest.raises(UnsupportedUpload):
        pages.inspect("kaputt.pdf", b"%PDF-1.7\n broken")


def test_multi_page_tiff():
    data = scans.tiff(scans.letter("Seite eins"), sheets.patch_t_page(), scans.letter("Drei"))
    inspected = pages.inspect("stapel.tif", data)
    assert (inspected.kind, inspected.page_count) == ("tiff", 3)
    rendered = list(pages.iter_pages(data, "tiff", skip={1}))
    assert [r.index for r in rendered] == [0, 2]
    assert rendered[0].dpi == 300
    assert rendered[0].image.mode == "L"


def test_text_layer_is_found_and_such_pages_are_rendered_smaller():
    data = scans.concat_pdfs(
        scans.text_pdf(scans.text_letter("BG-Nummer 96201BG0012345")),
        scans.image_pdf(scans.letter("Nur ein Bild")),
    )
    first, second = pages.iter_pages(data, "pdf")
    assert first.has_text_layer and "96201BG0012345" in first.text
    assert first.dpi == pages.TEXT_PAGE_DPI
    assert not second.has_text_layer and second.dpi == pages.OCR_DPI


def test_colour_is_kept_only_where_there_is_colour():
    from PIL import Image

    grey = Image.new("RGB", (200, 300), "white")
    assert pages.normalise_mode(grey).mode == "L"
    red = Image.new("RGB", (200, 300), (220, 30, 30))
    assert pages.normalise_mode(red).mode == "RGB"
