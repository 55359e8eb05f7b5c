import io

import pikepdf
import pytest
from django.utils import translation
from PIL import Image

from amtsbote.core.exceptions import UnsupportedUpload
from amtsbote.documents import processing
from amtsbote.documents.tests import samples


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here; the German default is checked separately."""
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("name", "data", "kind", "pages"),
    [
        ("photo.jpg", samples.jpeg_bytes(), "jpeg", 1),
        ("scan.png", samples.png_bytes(), "png", 1),
        ("letter.pdf", samples.pdf_bytes(3), "pdf", 3),
        ("iphone.heic", samples.heic_bytes(), "heic", 1),
    ],
)
def test_accepted_kinds_are_recognised_by_content(name, data, kind, pages):
    checked = processing.check_file(name, data)
    assert (checked.received_kind, checked.pages) == (kind, pages)
    # What is kept is the cleaned form: photos encoded anew (HEIC as JPEG), PDFs rewritten.
    assert checked.kind == {"heic": "jpeg"}.get(kind, kind)
    assert processing.sniff(checked.data[:16]) == checked.kind


def test_the_name_does_not_matter():
    assert processing.check_file("contract.pdf", samples.jpeg_bytes()).kind == "jpeg"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        (
            "evil.jpg",
            b"<!doctype html><html><script>alert(1)</script></html>",
            "cannot be accepted",
        ),
        ("empty.jpg", b"", "empty"),
        ("cut.jpg", samples.jpeg_bytes()[:20_000], "damaged or incomplete"),
        ("huge.png", samples.large_png_bytes(60), "more than 40 megapixels"),
        ("broken.pdf", b"%PDF-1.7\n garbage", "damaged or incomplete"),
    ],
)
def test_bad_files_are_refused_naming_what_is_accepted(name, data, reason):
    with pytest.raises(UnsupportedUpload) as error:
        processing.check_file(name, data)
    assert reason in error.value.message
    assert "PDF, JPEG, PNG and HEIC" in error.value.message
    assert error.value.message.startswith(name)


def test_pdf_has_one_page_per_photo_and_all_pages_of_pdfs():
    files = [
        processing.check_file("1.jpg", samples.jpeg_bytes()),
        processing.check_file("2.pdf", samples.pdf_bytes(2)),
        processing.check_file("3.heic", samples.heic_bytes()),
    ]
    pdf, pages = processing.build_pdf(files)
    assert pages == 4
    assert processing.page_count(pdf) == 4


def test_exif_orientation_is_applied_and_metadata_stripped():
    # A portrait page stored sideways with orientation 6 (rotate 90° clockwise to view).
    upright = samples.page_image(["Oben"], size=(600, 800))
    sideways = upright.transpose(Image.Transpose.ROTATE_90)
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Phone Maker"
    sideways.save(out, "JPEG", exif=exif)
    pdf, _ = processing.build_pdf([processing.check_file("p.jpg", out.getvalue())])
    assert b"Phone Maker" not in pdf
    with pikepdf.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        width, height = float(page.mediabox[2]), float(page.mediabox[3])
        assert height > width  # shown upright on a portrait A4 page
        image = (
            page.get_images()[0]
            if isinstance(page.get_images(), list)
            else next(iter(page.get_images().values()))
        )
        assert int(image.Height) > int(image.Width)


def test_thumbnail_is_a_small_jpeg():
    pdf, _ = processing.build_pdf([processing.check_file("a.jpg", samples.jpeg_bytes())])
    thumbnail = Image.open(io.BytesIO(processing.render_thumbnail(pdf)))
    assert thumbnail.format == "JPEG"
    assert thumbnail.width == processing.THUMBNAIL_WIDTH


def test_ocr_reads_the_text_of_a_photo():
    photo = samples.jpeg_bytes(["Mietvertrag", "Hauptstrasse 12"])
    pdf, _ = processing.build_pdf([processing.check_file("a.jpg", photo)])
    text = processing.ocr_text(pdf)
    assert "Mietvertrag" in text
    assert "Hauptstrasse" in text


def test_ocr_keeps_the_text_of_pages_that_carry_it_already():
    """A letter made by a computer between two scanned pages: ocrmypdf skips the pages with
    text and leaves a placeholder in its sidecar; their own text layer takes its place."""
    letter = processing.html_to_pdf("<p>Bescheid über Leistungen Zahlbetrag 563 Euro</p>")
    scan, _ = processing.build_pdf(
        [processing.check_file("a.jpg", samples.jpeg_bytes(["Mietvertrag", "Hauptstrasse 12"]))]
    )
    combined = pikepdf.Pdf.new()
    for part in (letter, scan, letter):
        with pikepdf.Pdf.open(io.BytesIO(part)) as source:
            combined.pages.extend(source.pages)
    out = io.BytesIO()
    combined.save(out)

    text = processing.ocr_text(out.getvalue())

    assert "OCR skipped" not in text
    assert text.count("Zahlbetrag 563 Euro") == 2
    assert "Mietvertrag" in text
    assert text.index("Zahlbetrag") < text.index("Mietvertrag") < text.rindex("Zahlbetrag")


def test_truncated_photo_is_refused_even_after_weasyprint_was_imported():
    import weasyprint  # noqa: F401  (its import sets Pillow's LOAD_TRUNCATED_IMAGES = True)
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    with pytest.raises(UnsupportedUpload):
        processing.check_file("cut.jpg", samples.jpeg_bytes()[:20_000])


def test_messages_are_in_german_by_default():
    with translation.override("de"), pytest.raises(UnsupportedUpload) as error:
        processing.check_file("leer.jpg", b"")
    assert error.value.message == (
        "leer.jpg: Die Datei ist leer. "
        "Akzeptiert werden Fotos und Dateien in den Formaten PDF, JPEG, PNG und HEIC."
    )


def test_photos_and_image_pdfs_become_pdf_a_2b():
    files = [
        processing.check_file("1.jpg", samples.jpeg_bytes()),
        processing.check_file("2.pdf", samples.pdf_bytes(2)),
        processing.check_file("3.heic", samples.heic_bytes()),
    ]
    pdf, _pages = processing.build_pdf(files)
    assert processing.is_archival(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        with document.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
        assert document.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1


def test_a_pdf_that_cannot_be_pdf_a_is_kept_plain_and_whole():
    """A born-digital PDF whose font is not embedded cannot be PDF/A without changing it:
    it is kept as it is (and says nothing it is not), never refused or rasterised."""
    from amtsbote.intake.tests.scans import text_letter, text_pdf

    data = text_pdf(text_letter("Kundennummer 955D123456"))
    pdf, pages = processing.build_pdf([processing.check_file("brief.pdf", data)])
    assert pages == 1 and not processing.is_archival(pdf)
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert "/Metadata" not in document.Root
        assert b"955D123456" in document.pages[0].Contents.read_bytes()
