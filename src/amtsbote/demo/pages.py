"""Sample pages for demo documents: white A4-like sheets with readable black text.

Made with Pillow in memory (no files shipped); OCR can read them, so search works on demo
documents too.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from amtsbote.core.fonts import load_font

# About 100 dpi: readable for OCR, quick to make and to convert.
PAGE_SIZE = (827, 1169)


def page_jpeg(lines: list[str], *, size: tuple[int, int] = PAGE_SIZE) -> bytes:
    """One page as JPEG: the first line as a heading, the others as body text."""
    width, height = size
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    heading, body = load_font(width // 18), load_font(width // 34)
    x, y = width // 12, height // 12
    for number, line in enumerate(lines):
        font = heading if number == 0 else body
        draw.text((x, y), line, fill="black", font=font)
        y += int((width // 18 if number == 0 else width // 34) * 1.7)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()
