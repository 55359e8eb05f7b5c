"""Sample files made on the fly: phone photos with readable text, PNGs, PDFs, HEIC."""

from __future__ import annotations

import io

import img2pdf
from PIL import Image, ImageDraw

from amtsbote.core.fonts import load_font


def page_image(lines: list[str], *, size: tuple[int, int] = (1240, 1754)) -> Image.Image:
    """A white page with large black text, like a photographed A4 sheet."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = load_font(size[0] // 20)
    y = size[1] // 10
    for line in lines:
        draw.text((size[0] // 12, y), line, fill="black", font=font)
        y += int(size[0] / 20 * 1.6)
    return image


def jpeg_bytes(
    lines: list[str] | None = None, *, size=(1240, 1754), exif_orientation: int | None = None
) -> bytes:
    image = page_image(lines or ["Mietvertrag", "Seite 1"], size=size)
    out = io.BytesIO()
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "Phone Maker"  # Make: metadata that must be stripped
        image.save(out, "JPEG", quality=85, exif=exif)
    else:
        image.save(out, "JPEG", quality=85)
    return out.getvalue()


def png_bytes(size=(800, 600), lines: list[str] | None = None) -> bytes:
    out = io.BytesIO()
    page_image(lines or ["Bescheinigung"], size=size).save(out, "PNG")
    return out.getvalue()


def large_png_bytes(megapixels: int = 60) -> bytes:
    """A PNG of ``megapixels`` (compresses to a small file: one colour)."""
    width = 10_000
    height = megapixels * 1_000_000 // width
    out = io.BytesIO()
    Image.new("1", (width, height), 1).save(out, "PNG", optimize=True)
    return out.getvalue()


def pdf_bytes(pages: int = 1, lines: list[str] | None = None) -> bytes:
    images = []
    for number in range(pages):
        out = io.BytesIO()
        page_image((lines or ["Dokument"]) + [f"Seite {number + 1}"], size=(620, 877)).save(
            out, "JPEG"
        )
        images.append(out.getvalue())
    return img2pdf.convert(images)


def heic_bytes(lines: list[str] | None = None) -> bytes:
    import pillow_heif

    image = page_image(lines or ["Meldebescheinigung"], size=(600, 800))
    heif = pillow_heif.from_pillow(image)
    out = io.BytesIO()
    heif.save(out, quality=80)
    return out.getvalue()
