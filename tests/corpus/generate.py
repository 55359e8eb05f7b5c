"""Generate a mailroom corpus with ground truth.

    uv run python -m tests.corpus.generate OUT_DIR [--seed 1] [--households 40] [--documents 120]

writes ``OUT_DIR/cases.csv`` (the ``import_cases`` format), ``OUT_DIR/scans/`` (PDF, TIFF, PNG
scans, JPEG phone photos, PATCH-T batches) and ``OUT_DIR/truth.json``::

    {"seed": 1, "jobcenter_prefix": "96201",
     "files": [{"file": "scans/batch_01.pdf", "medium": "scan", "pages": 9,
                "separators": [3],                       # PATCH-T pages (1-based), dropped
                "documents": [{"first_page": 1, "last_page": 2,   # 1-based, inclusive
                               "bg_number": "96201BG0012345" | null,   # null: triage expected
                               "type": "mietvertrag", "identifier": "bg",
                               "pages": [{"rotation": 0, "text": "..."}], "text": "..."}]}]}

``identifier`` is what the document carries: ``bg``, ``kundennummer`` (typed, labelled),
``handwritten`` (BG-Nummer written in the margin, plus name and birth date or address),
``name_birthdate``, ``name_address``, ``cover`` (an Amtsbote cover sheet), ``unknown_number``
(a BG-Nummer that belongs to no case, sender unknown) or ``none``. Deterministic per seed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
from PIL import Image

from . import render
from .people import CITIES, STREETS, Household, make_households, stranger, unknown_bg_number
from .texts import TEMPLATES, Ctx

IDENTIFIERS = {  # kind: weight
    "bg": 26,
    "kundennummer": 14,
    "handwritten": 12,
    "name_birthdate": 16,
    "name_address": 14,
    "none": 8,
    "unknown_number": 6,
}
MULTI_PAGE_TYPES = {"mietvertrag", "kontoauszug", "arbeitsvertrag", "nebenkostenabrechnung"}
TODAY = dt.date(2025, 6, 2)


@dataclass
class Doc:
    type: str
    identifier: str
    household: Household | None
    pages: list[list[str]]
    handwritten: str | None = None
    cover: str | None = None
    rotations: list[int] = field(default_factory=list)


def _number_line(rng: random.Random, kind: str, number: str) -> str:
    if kind == "bg":
        spaced = rng.random() < 0.3
        shown = f"{number[:5]} BG {number[7:]}" if spaced else number
        if rng.random() < 0.15:
            shown = f"{number[:5]}-BG-{number[7:]}"
        label = rng.choice(
            [
                "BG-Nummer:",
                "BG-Nr.",
                "BG Nummer",
                "Nummer der Bedarfsgemeinschaft:",
                "Ihr Zeichen:",
                "Aktenzeichen Jobcenter:",
            ]
        )
        return f"{label} {shown}"
    shown = f"{number[:3]} D {number[4:]}" if rng.random() < 0.3 else number
    label = rng.choice(["Kundennummer:", "Kd.-Nr.", "Kunden-Nr.:", "Kundennr."])
    return f"{label} {shown}"


def _plan(
    rng: random.Random, households: list[Household], documents: int, photos_share: float
) -> list[Doc]:
    types = list(TEMPLATES)
    kinds = list(IDENTIFIERS)
    weights = list(IDENTIFIERS.values())
    used = {h.bg_number for h in households}
    docs = []
    for i in range(documents):
        code = types[i % len(types)]
        kind = rng.choices(kinds, weights)[0]
        household = rng.choice(households)
        person = household.head if rng.random() < 0.75 else rng.choice(household.members)
        number_line = None
        show_name, show_address, show_birth = True, False, False
        handwritten = None
        if kind == "bg":
            number_line = _number_line(rng, "bg", household.bg_number)
            show_address = rng.random() < 0.5
        elif kind == "kundennummer":
            number_line = _number_line(rng, "kd", person.customer_number)
            show_address = rng.random() < 0.5
        elif kind == "handwritten":
            number = household.bg_number
            handwritten = rng.choice([number, f"BG {number}", f"{number[:5]} BG {number[7:]}"])
            show_birth = rng.random() < 0.5
            show_address = not show_birth or rng.random() < 0.5
        elif kind == "name_birthdate":
            show_birth = True
        elif kind == "name_address":
            show_address = True
        elif kind == "none":
            show_name = False
        elif kind == "unknown_number":
            bg = unknown_bg_number(rng, used)
            postcode, city = rng.choice(CITIES)
            person = stranger(rng)
            household = Household(
                bg, f"{rng.choice(STREETS)} {rng.randint(1, 99)}", postcode, city, [person]
            )
            number_line = _number_line(rng, "bg", bg)
            show_address = True
        ctx = Ctx(rng, person, household, show_name, show_address, show_birth, number_line, TODAY)
        pages = [TEMPLATES[code](ctx)]
        if (
            code in MULTI_PAGE_TYPES and rng.random() < 0.4 and i >= round(documents * photos_share)
        ):  # photos are single pages
            pages.append(_second_page(code, rng))
        truth_household = None if kind in ("none", "unknown_number") else household
        docs.append(Doc(code, kind, truth_household, pages, handwritten))
    return docs


def _second_page(code: str, rng: random.Random) -> list[str]:
    return {
        "mietvertrag": [
            "Anlage 1 zum Mietvertrag: Hausordnung",
            "",
            "Ruhezeiten von 22 bis 6 Uhr sowie von 13 bis 15 Uhr sind einzuhalten.",
            "Das Treppenhaus ist im wöchentlichen Wechsel zu reinigen.",
            "Fahrräder dürfen nicht im Hausflur abgestellt werden.",
        ],
        "kontoauszug": [
            "Fortsetzung Kontoauszug - Seite 2",
            "",
            "Gutschrift Überweisung Familienkasse Kindergeld  +255,00",
            "Lastschrift Versicherung  -23,40",
            "Entgelt Kontoführung  -4,95",
        ],
        "arbeitsvertrag": [
            "§ 7 Verschwiegenheit",
            "Der Arbeitnehmer verpflichtet sich, über "
            "Betriebsgeheimnisse Stillschweigen zu bewahren.",
            "§ 8 Schlussbestimmungen",
            "Änderungen bedürfen der Schriftform.",
        ],
        "nebenkostenabrechnung": [
            "Erläuterungen zur Abrechnung",
            "",
            "Die Kosten wurden nach Wohnfläche verteilt.",
            "Einwendungen sind innerhalb von 12 Monaten möglich.",
        ],
    }[code]


def _render_doc(
    doc: Doc, rng: random.Random, *, medium: str
) -> tuple[list[Image.Image], list[dict]]:
    images, pages = [], []
    if doc.cover:
        name = doc.household.head.full_name if doc.household else ""
        images.append(render.scan(render.cover_page(doc.cover, name, rng), rng))
        pages.append({"rotation": 0, "text": "\n".join(render.cover_lines(doc.cover, name))})
    for index, lines in enumerate(doc.pages):
        page = render.text_page(lines, rng)
        text = "\n".join(lines)
        if index == 0 and doc.handwritten:
            render.handwrite(page, doc.handwritten, rng)
            text = doc.handwritten + "\n" + text
        rotation = 0
        if medium == "photo":
            image = render.photo(page, rng, small=rng.random() < 0.5)
        else:
            roll = rng.random()
            rotation = 180 if roll < 0.1 else (rng.choice([90, 270]) if roll < 0.14 else 0)
            image = render.scan(page, rng, rotation=rotation)
        images.append(image)
        pages.append({"rotation": rotation, "text": text})
    return images, pages


def _doc_truth(doc: Doc, pages: list[dict], first: int) -> dict:
    return {
        "first_page": first,
        "last_page": first + len(pages) - 1,
        "bg_number": doc.household.bg_number if doc.household else None,
        "type": doc.type,
        "identifier": "cover" if doc.cover else doc.identifier,
        "pages": pages,
        "text": "\n".join(p["text"] for p in pages),
    }


def _pdf(images: list[Image.Image]) -> bytes:
    blobs = []
    for image in images:
        buffer = io.BytesIO()
        image.convert("L").save(buffer, "JPEG", quality=80, dpi=(render.DPI, render.DPI))
        blobs.append(buffer.getvalue())
    # no timestamp, no random file ID: the same seed gives the same bytes
    return img2pdf.convert(blobs, nodate=True, engine=img2pdf.Engine.internal)


def _write_cases(path: Path, households: list[Household]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "bg_nummer",
                "kundennummer",
                "last_name",
                "first_name",
                "birth_date",
                "street",
                "postcode",
                "city",
            ]
        )
        for household in households:
            for member in household.members:
                writer.writerow(
                    [
                        household.bg_number,
                        member.customer_number,
                        member.last_name,
                        member.first_name,
                        member.birth_date.isoformat(),
                        household.street,
                        household.postcode,
                        household.city,
                    ]
                )


def generate(
    out_dir: Path,
    *,
    seed: int = 1,
    households: int = 40,
    documents: int = 120,
    photos_share: float = 0.3,
    batches: int = 5,
) -> Path:
    """Write the corpus into ``out_dir`` and return the path of ``truth.json``."""
    rng = random.Random(seed)
    out_dir = Path(out_dir)
    scans = out_dir / "scans"
    scans.mkdir(parents=True, exist_ok=True)
    people = make_households(rng, households)
    _write_cases(out_dir / "cases.csv", people)
    docs = _plan(rng, people, documents, photos_share)
    n_photos = round(documents * photos_share)
    photos, rest = docs[:n_photos], docs[n_photos:]
    batch_docs = rest[: len(rest) // 2] if batches else []
    loose = rest[len(batch_docs) :]
    files: list[dict] = []

    for index, doc in enumerate(photos, 1):  # one photo per file, as phones send them
        images, pages = _render_doc(doc, rng, medium="photo")
        name = f"scans/photo_{index:03d}.jpg"
        images[0].save(out_dir / name, "JPEG", quality=rng.choice([75, 82, 88]))
        files.append(
            {
                "file": name,
                "medium": "photo",
                "pages": 1,
                "separators": [],
                "documents": [_doc_truth(doc, pages, 1)],
            }
        )

    for index, doc in enumerate(loose, 1):
        images, pages = _render_doc(doc, rng, medium="scan")
        fmt = (
            rng.choice(["pdf", "pdf", "tiff", "png"])
            if len(images) > 1
            else rng.choice(["pdf", "tiff", "png"])
        )
        if fmt == "png" and len(images) > 1:
            fmt = "pdf"
        name = f"scans/scan_{index:03d}.{fmt}"
        if fmt == "pdf":
            (out_dir / name).write_bytes(_pdf(images))
        elif fmt == "tiff":
            images[0].save(
                out_dir / name,
                "TIFF",
                compression="jpeg",
                save_all=True,
                append_images=images[1:],
                dpi=(render.DPI, render.DPI),
            )
        else:
            images[0].save(out_dir / name, "PNG", dpi=(render.DPI, render.DPI), compress_level=1)
        files.append(
            {
                "file": name,
                "medium": "scan",
                "pages": len(images),
                "separators": [],
                "documents": [_doc_truth(doc, pages, 1)],
            }
        )

    groups = [batch_docs[i::batches] for i in range(batches)] if batches else []
    for index, group in enumerate(groups, 1):
        images, separators, truth_docs = [], [], []
        for position, doc in enumerate(group):
            if doc.household and rng.random() < 0.35:
                doc.cover = doc.household.bg_number
                if rng.random() < 0.5:  # a cover sheet alone identifies the document
                    doc.pages = [_strip_identity(lines, doc.household) for lines in doc.pages]
            elif position > 0:
                images.append(render.scan(render.patch_t_page(), rng))
                separators.append(len(images))
            doc_images, pages = _render_doc(doc, rng, medium="scan")
            truth_docs.append(_doc_truth(doc, pages, len(images) + 1))
            images.extend(doc_images)
        name = f"scans/batch_{index:02d}.pdf"
        (out_dir / name).write_bytes(_pdf(images))
        files.append(
            {
                "file": name,
                "medium": "scan",
                "pages": len(images),
                "separators": separators,
                "documents": truth_docs,
            }
        )

    truth = {"seed": seed, "jobcenter_prefix": "96201", "today": TODAY.isoformat(), "files": files}
    path = out_dir / "truth.json"
    path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _strip_identity(lines: list[str], household: Household) -> list[str]:
    """Remove lines naming the household (the cover sheet is then the only identifier)."""
    marks = [m.last_name for m in household.members] + [household.street, household.bg_number]
    marks += [m.customer_number for m in household.members]
    marks += [m.birth_date.strftime("%d.%m.%Y") for m in household.members]
    return [line for line in lines if not any(mark and mark in line for mark in marks)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--households", type=int, default=40)
    parser.add_argument("--documents", type=int, default=120)
    parser.add_argument("--photos-share", type=float, default=0.3)
    parser.add_argument("--batches", type=int, default=5)
    args = parser.parse_args()
    print(
        generate(
            args.out_dir,
            seed=args.seed,
            households=args.households,
            documents=args.documents,
            photos_share=args.photos_share,
            batches=args.batches,
        )
    )


if __name__ == "__main__":
    main()
