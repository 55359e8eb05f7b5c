"""The corpus generator is deterministic and its PATCH-T pages are what zxing reads."""

from __future__ import annotations

import hashlib
import json

import pypdfium2 as pdfium
import zxingcpp

from .generate import generate

SMALL = {"seed": 5, "households": 5, "documents": 12, "photos_share": 0.17, "batches": 1}


def digest(directory):
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_generation_is_deterministic(tmp_path):
    generate(tmp_path / "a", **SMALL)
    generate(tmp_path / "b", **SMALL)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")


def test_truth_describes_every_file_and_patch_t_pages_are_found(tmp_path):
    truth = json.loads(generate(tmp_path, **SMALL).read_text(encoding="utf-8"))
    header = (tmp_path / "cases.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "bg_nummer,kundennummer,last_name,first_name,birth_date,street,postcode,city"
    assert sum(len(entry["documents"]) for entry in truth["files"]) == SMALL["documents"]
    batch = next(entry for entry in truth["files"] if entry["file"].startswith("scans/batch"))
    pdf = pdfium.PdfDocument(str(tmp_path / batch["file"]))
    assert len(pdf) == batch["pages"]
    found = []
    for number, page in enumerate(pdf, 1):
        image = page.render(scale=150 / 72, grayscale=True).to_pil()
        codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.Code39)
        if any(code.text == "PATCHT" for code in codes):
            found.append(number)
    assert found == batch["separators"]
    assert found  # the small batch has at least one separator
    covered = {p for d in batch["documents"] for p in range(d["first_page"], d["last_page"] + 1)}
    assert covered | set(found) == set(range(1, batch["pages"] + 1))
