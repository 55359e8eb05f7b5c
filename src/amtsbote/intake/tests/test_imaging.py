"""prepare(): upright, straight, flat pages for tesseract; clean scans untouched."""

from __future__ import annotations

import random
import subprocess

import pytest
from PIL import Image
from tests.corpus import render

from amtsbote.intake import imaging

LINES = [
    "Stadtwerke Musterstadt GmbH",
    "Frau Olena Kovalenko, Hauptstraße 12, 44135 Dortmund",
    "",
    "Jahresverbrauchsabrechnung Strom",
    "Ihr Verbrauch im Abrechnungszeitraum betrug 2.140 Kilowattstunden.",
    "Der neue monatliche Abschlag beträgt ab Juli 58,00 Euro.",
    "Bitte überweisen Sie die Nachzahlung bis zum 30. Juni.",
    "Mit freundlichen Grüßen, Ihre Stadtwerke",
] * 3


@pytest.fixture
def clean_page() -> Image.Image:
    return render.text_page(LINES, random.Random(3))


@pytest.fixture
def no_osd(monkeypatch):
    def fail(gray):
        raise AssertionError("tesseract OSD should not be needed")

    monkeypatch.setattr(imaging, "_osd", fail)


def ocr(image: Image.Image) -> str:
    return subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "deu", "--dpi", "300"],
        input=_png(image), capture_output=True, check=True,
        env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"},
    ).stdout.decode()  # fmt: skip


def _png(image: Image.Image) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def test_a_clean_scan_is_left_alone(clean_page, no_osd):
    prepared = imaging.prepare(clean_page)
    assert prepared.image is clean_page
    assert prepared.rotated_by == 0
    assert not prepared.straightened


@pytest.mark.parametrize("turned", [90, 180, 270])
def test_a_page_fed_upside_down_or_sideways_is_turned(clean_page, no_osd, turned):
    page = render.scan(clean_page, random.Random(turned), rotation=turned)  # PIL: counter-clockwise
    prepared = imaging.prepare(page)
    assert prepared.rotated_by == turned  # turned back clockwise
    assert prepared.image.size == clean_page.size


def test_a_skewed_scan_is_straightened(clean_page, no_osd):
    page = clean_page.rotate(2.5, fillcolor=255)
    prepared = imaging.prepare(page)
    assert prepared.straightened
    assert prepared.rotated_by == 0
    again = imaging.prepare(prepared.image)
    assert not again.straightened  # nothing left to do


def test_osd_decides_when_the_cheap_signals_are_unsure(monkeypatch):
    monkeypatch.setattr(imaging, "_osd", lambda gray: 180)
    sparse = render.text_page(["12345 67890"], random.Random(1))  # one line: too little to tell
    assert imaging.prepare(sparse).rotated_by == 180


def test_a_phone_photo_is_straightened_so_tesseract_reads_it(clean_page):
    photo = render.photo(clean_page, random.Random(11), small=True)
    prepared = imaging.prepare(photo)
    assert prepared.straightened
    text = ocr(prepared.image)
    assert "Jahresverbrauchsabrechnung" in text
    assert "Kilowattstunden" in text
