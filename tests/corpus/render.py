"""Pages as a scanner or a phone camera would deliver them."""

from __future__ import annotations

import functools
import random
import textwrap
from pathlib import Path

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFont

DPI = 300
A4 = (2480, 3508)
FONT_DIRS = [Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts/opentype")]
PRINT_FONTS = [
    "liberation/LiberationSans-Regular.ttf",
    "liberation/LiberationSerif-Regular.ttf",
    "dejavu/DejaVuSans.ttf",
    "urw-base35/NimbusSans-Regular.otf",
    "liberation/LiberationMono-Regular.ttf",
]
SCRIPT_FONTS = ["urw-base35/Z003-MediumItalic.otf", "urw-base35/URWBookman-LightItalic.otf"]


@functools.cache
def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    for base in FONT_DIRS:
        path = base / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    # Pillow's built-in font lacks ä, ß and €: a corpus typed in it is not the corpus.
    raise FileNotFoundError(
        f"font {name} not found in {', '.join(map(str, FONT_DIRS))}: run "
        "scripts/install-system-deps.sh --test (fonts-liberation, fonts-urw-base35)"
    )


def text_page(lines: list[str], rng: random.Random) -> Image.Image:
    """A clean 300 dpi A4 page with the lines typed on it (10-12 pt)."""
    page = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(page)
    name = rng.choice(PRINT_FONTS)
    size = rng.choice([40, 42, 46, 50])
    if "Mono" in name:
        size = 38
    face = font(name, size)
    y = rng.randint(230, 330)
    left = rng.randint(200, 260)
    width_chars = int((A4[0] - left - 180) / (size * (0.6 if "Mono" in name else 0.5)))
    for line in lines:
        for part in textwrap.wrap(line, width_chars) or [""]:
            draw.text((left, y), part, fill=rng.randint(0, 40), font=face)
            y += int(size * 1.45)
    return page


def handwrite(page: Image.Image, text: str, rng: random.Random) -> None:
    """Write ``text`` in the top or bottom margin in a script font, slightly rotated."""
    face = font(rng.choice(SCRIPT_FONTS), rng.choice([64, 72, 80]))
    box = face.getbbox(text)
    layer = Image.new("L", (box[2] + 40, box[3] + 40), 0)
    ImageDraw.Draw(layer).text((20, 20), text, fill=255, font=face)
    layer = layer.rotate(rng.uniform(-4, 4), expand=True, resample=Image.Resampling.BICUBIC)
    x = rng.randint(A4[0] - layer.width - 420, A4[0] - layer.width - 120)
    y = rng.choice([rng.randint(40, 110), A4[1] - layer.height - rng.randint(60, 140)])
    ink = Image.new("L", layer.size, rng.randint(20, 70))
    page.paste(ink, (x, y), layer)


def patch_t_page() -> Image.Image:
    page = Image.new("L", A4, 255)
    code = zxingcpp.create_barcode("PATCHT", zxingcpp.BarcodeFormat.Code39)
    bars = Image.fromarray(np.array(code.to_image(scale=7)))
    bars = bars.resize((bars.width, 900), Image.Resampling.NEAREST)
    page.paste(bars, ((A4[0] - bars.width) // 2, 1100))
    ImageDraw.Draw(page).text((1000, 2150), "PATCH T", fill=0, font=font(PRINT_FONTS[0], 90))
    return page


def cover_lines(bg_number: str, name: str) -> list[str]:
    return [
        "Amtsbote - Deckblatt für Ihre Unterlagen",
        "",
        f"BG-Nummer: {bg_number}",
        f"Name: {name}",
        "",
        "Bitte legen Sie dieses Blatt oben auf Ihre Unterlagen.",
    ]


def cover_page(bg_number: str, name: str, rng: random.Random) -> Image.Image:
    page = text_page(cover_lines(bg_number, name), rng)
    qr = zxingcpp.create_barcode(f"AMTSBOTE:{bg_number}", zxingcpp.BarcodeFormat.QRCode)
    image = Image.fromarray(np.array(qr.to_image(scale=18)))
    page.paste(image, (A4[0] - image.width - 250, 900))
    return page


@functools.cache
def _noise_field() -> np.ndarray:
    """A fixed field of scanner noise (computed once; rolled per page for variety)."""
    return np.random.default_rng(7).normal(0, 7, (A4[1] + 256, A4[0] + 256)).astype(np.int16)


def _noise(shape: tuple[int, ...], rng: random.Random) -> np.ndarray:
    field = _noise_field()
    dy, dx = rng.randint(0, 255), rng.randint(0, 255)
    if shape[0] + dy > field.shape[0] or shape[1] + dx > field.shape[1]:
        reps = (shape[0] // field.shape[0] + 2, shape[1] // field.shape[1] + 2)
        field = np.tile(field, reps)
    return field[dy : dy + shape[0], dx : dx + shape[1]]


def scan(page: Image.Image, rng: random.Random, *, rotation: int = 0) -> Image.Image:
    """A flatbed/ADF scan: slight skew, a little noise, maybe fed upside down or sideways."""
    array = np.asarray(page, dtype=np.uint8)
    angle = rng.uniform(-1.2, 1.2)
    height, width = array.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    array = cv2.warpAffine(array, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    array = np.clip(array.astype(np.int16) + _noise(array.shape, rng), 0, 255).astype(np.uint8)
    if rotation:
        array = np.ascontiguousarray(np.rot90(array, rotation // 90))
    return Image.fromarray(array)


def photo(page: Image.Image, rng: random.Random, *, small: bool) -> Image.Image:
    """A phone photo of the page on a table: perspective, shadow gradient, noise, colour.

    12 MP (3000 x 4000) or, as a messenger would send it, 1500 x 2000.
    """
    scale = 0.5 if small else 1.0
    width, height = int(3000 * scale), int(4000 * scale)
    np_rng = np.random.default_rng(rng.randint(0, 2**31))
    page_w = rng.uniform(0.74, 0.86) * width
    page_h = page_w * A4[1] / A4[0]
    if page_h > 0.92 * height:
        page_h = 0.92 * height
        page_w = page_h * A4[0] / A4[1]
    cx = width / 2 + rng.uniform(-0.04, 0.04) * width
    cy = height / 2 + rng.uniform(-0.03, 0.03) * height
    jitter = 0.07 * page_w
    corners = np.float32(
        [
            [cx - page_w / 2, cy - page_h / 2],
            [cx + page_w / 2, cy - page_h / 2],
            [cx + page_w / 2, cy + page_h / 2],
            [cx - page_w / 2, cy + page_h / 2],
        ]
    )
    corners += np.float32(
        [[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)]
    )
    turn = np.deg2rad(rng.uniform(-6, 6))
    rot = np.float32([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    corners = (corners - [cx, cy]) @ rot.T + [cx, cy]
    source = np.float32([[0, 0], [A4[0], 0], [A4[0], A4[1]], [0, A4[1]]])
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    table = rng.randint(70, 130)
    paper = np.asarray(page, dtype=np.uint8)
    gray = cv2.warpPerspective(
        paper, matrix, (width, height), flags=cv2.INTER_AREA, borderValue=table
    )
    # shadow: a linear gradient in a random direction plus a soft dark blob (the phone/hand)
    yy, xx = np.mgrid[0:height:16, 0:width:16].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(direction) * xx / width + np.sin(direction) * yy / height
    ramp = (ramp - ramp.min()) / (np.ptp(ramp) + 1e-6)
    shade = 1.0 - rng.uniform(0.25, 0.45) * ramp
    bx, by = rng.uniform(0, width), rng.uniform(0, height)
    blob = np.exp(-(((xx - bx) ** 2 + (yy - by) ** 2) / (2 * (0.25 * width) ** 2)))
    shade *= 1.0 - rng.uniform(0.1, 0.3) * blob
    shade = cv2.resize(shade, (width, height), interpolation=cv2.INTER_LINEAR)
    channels = []
    for tint in (rng.uniform(0.82, 0.93), rng.uniform(0.92, 0.98), rng.uniform(0.93, 1.0)):
        channels.append(cv2.multiply(gray, shade * tint, dtype=cv2.CV_8U))
    image = cv2.merge(channels)  # BGR
    noise = np_rng.integers(-6, 7, (height // 2, width // 2), dtype=np.int16)
    noise = cv2.resize(noise.astype(np.float32), (width, height)).astype(np.int16)
    image = np.clip(image.astype(np.int16) + noise[..., None], 0, 255).astype(np.uint8)
    image = cv2.GaussianBlur(image, (3, 3), 0.8)
    result = Image.fromarray(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), "RGB")
    if rng.random() < 0.25:
        result = result.rotate(rng.choice([90, 270]), expand=True)  # held sideways, no EXIF
    return result
