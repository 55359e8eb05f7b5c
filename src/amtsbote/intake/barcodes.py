"""Reading the barcodes that steer splitting: PATCH-T separators and Amtsbote cover sheets.

Pure functions over Pillow images. The page image is the one rendered for OCR; barcodes are
read on a grayscale copy scaled down to about 150 dpi, which is plenty for both codes and
several times faster than reading the full image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import zxingcpp
from PIL import Image

from .constants import COVER_PREFIX, PATCH_T_TEXT

READ_MAX_SIDE = 1754  # A4 at 150 dpi
_FORMATS = zxingcpp.barcode_formats_from_str("Code39,QRCode")
_COVER_RE = re.compile(
    r"^AMTSBOTE:(?P<bg>\d{5}BG\d{7})(?::(?P<request>[0-9a-fA-F-]{36}))?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Markers:
    is_separator: bool = False
    cover_payload: str = ""


@dataclass(frozen=True)
class Cover:
    bg_number: str
    request_uuid: str | None


def parse_cover(payload: str) -> Cover | None:
    """``AMTSBOTE:<BG-Nummer>[:<request uuid>]`` → Cover, anything else → None."""
    match = _COVER_RE.match(payload.strip())
    if match is None:
        return None
    request = match.group("request")
    return Cover(match.group("bg").upper(), request.lower() if request else None)


def reading_copy(image: Image.Image) -> Image.Image:
    """A grayscale copy no larger than ``READ_MAX_SIDE`` on its longer side."""
    gray = image if image.mode == "L" else image.convert("L")
    longest = max(gray.size)
    if longest > READ_MAX_SIDE:
        factor = READ_MAX_SIDE / longest
        size = (max(1, round(gray.width * factor)), max(1, round(gray.height * factor)))
        gray = gray.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return gray


def read_markers(image: Image.Image) -> Markers:
    """Whether a page is a PATCH-T separator, and the payload of an Amtsbote cover QR."""
    found = zxingcpp.read_barcodes(reading_copy(image), formats=_FORMATS)
    separator, cover = False, ""
    for barcode in found:
        text = barcode.text.strip()
        if barcode.format == zxingcpp.BarcodeFormat.Code39 and text.upper() == PATCH_T_TEXT:
            separator = True
        elif (
            barcode.format == zxingcpp.BarcodeFormat.QRCode
            and text.upper().startswith(COVER_PREFIX)
            and parse_cover(text) is not None
            and not cover
        ):
            cover = text
    return Markers(is_separator=separator, cover_payload=cover)
