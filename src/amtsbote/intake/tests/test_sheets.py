"""The sheets Amtsbote prints can be read back from a rendered scan."""

import uuid

from amtsbote.intake import barcodes, pages, sheets
from amtsbote.intake.tests import scans


def test_patch_t_page_is_a_separator():
    assert barcodes.read_markers(sheets.patch_t_page()) == barcodes.Markers(is_separator=True)


def test_letter_has_no_markers():
    assert barcodes.read_markers(scans.letter("Mietvertrag", "96201BG0012345")) == (
        barcodes.Markers()
    )


def test_cover_sheet_pdf_round_trip(case_anna, team_leistung, caseworker_ben):
    from amtsbote.doc_requests.services import ItemSpec, doc_request_create

    request = doc_request_create(
        case=case_anna, team=team_leistung, created_by=caseworker_ben, items=[ItemSpec(label="x")]
    )
    pdf = sheets.cover_sheet_pdf(case_anna, request)
    [rendered] = list(pages.iter_pages(pdf, "pdf"))
    markers = barcodes.read_markers(rendered.image)
    cover = barcodes.parse_cover(markers.cover_payload)
    assert cover == barcodes.Cover("96201BG0012345", str(request.uuid))
    assert not markers.is_separator


def test_parse_cover():
    request = str(uuid.uuid4())
    assert barcodes.parse_cover("AMTSBOTE:96201BG0012345") == barcodes.Cover("96201BG0012345", None)
    assert barcodes.parse_cover(f"AMTSBOTE:96201BG0012345:{request}").request_uuid == request
    assert barcodes.parse_cover("AMTSBOTE:96201BG001234") is None
    assert barcodes.parse_cover("https://example.org") is None
