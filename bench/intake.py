"""Mailroom recognition on the generated corpus: speed, OCR quality, filing, types, splits.

    uv run python bench/intake.py [--corpus DIR] [--documents 120] [--households 40]
                                  [--pipeline own|import_scans] [--no-reference]

Without ``--corpus`` the corpus (``tests/corpus/generate.py``) is generated into a temp dir.
Django runs in-process against a fresh SQLite database in a temp ``AMTSBOTE_VAR_DIR`` (no
web server needed: intake is a batch job). Cases are loaded with
``cases.imports.import_cases_csv``.

``--pipeline own`` (default) runs the recognition chain directly, 2 pages in parallel:
render once (pypdfium2 / Pillow) → barcodes (zxing-cpp: PATCH-T splits, cover QR) →
``imaging.prepare`` → ``tesseract -l deu`` (``OMP_THREAD_LIMIT=1``) → split → ``identify``
→ ``classify``. ``--pipeline import_scans`` runs ``manage.py import_scans DIR --wait`` and
reads ``intake_report --json`` (the whole product path: storage, PDF/A, filing).

Reference: plain ``tesseract PAGE stdout -l deu``, 2 processes at a time, on the same page
images (pages rendered to PNG beforehand, photos as they are).

Prints JSON: pages_per_minute, reference_pages_per_minute, ratio, cer (overall, scans,
photos), filing (precision, recall and counts per identifier kind, wrong_case),
classification_accuracy, split_accuracy, peak memory (self + children maxrss), calibration.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import machine  # noqa: E402

WORKERS = 2
SLUG = "bench"


def setup_django(var: Path) -> None:
    os.environ["AMTSBOTE_VAR_DIR"] = str(var)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsbote.settings")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load_cases(corpus: Path):
    from amtsbote.cases import services

    jobcenter = services.jobcenter_create(name="Jobcenter Bench", slug=SLUG, state="NW")
    try:
        from amtsbote.cases.imports import import_cases_csv
    except ImportError:
        import_cases_csv = None
    with (corpus / "cases.csv").open(encoding="utf-8") as handle:
        if import_cases_csv is not None:
            import_cases_csv(jobcenter=jobcenter, file=handle)
        else:  # before the importer existed
            import csv
            import datetime as dt

            cases = {}
            for row in csv.DictReader(handle):
                case = cases.get(row["bg_nummer"]) or services.case_create(
                    jobcenter=jobcenter, bg_number=row["bg_nummer"]
                )
                cases[row["bg_nummer"]] = case
                services.person_create(
                    case=case,
                    customer_number=row["kundennummer"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    birth_date=dt.date.fromisoformat(row["birth_date"]),
                    street=row["street"],
                    postal_code=row["postcode"],
                    city=row["city"],
                )
    return jobcenter


def page_images(path: Path):
    from PIL import Image

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(str(path))
        for page in pdf:
            yield page.render(scale=300 / 72, grayscale=True).to_pil()
        pdf.close()
        return
    with Image.open(path) as image:
        index = 0
        while True:
            try:
                image.seek(index)
            except EOFError:
                return
            yield image.copy()
            index += 1


def tesseract(data: bytes) -> str:
    result = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "deu", "--dpi", "300"],
        input=data,
        capture_output=True,
        check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return result.stdout.decode(errors="replace")


def read_page(image):
    """Barcodes, prepare, OCR for one page: (kind, cover bg_number, text)."""
    import numpy as np
    import zxingcpp

    from amtsbote.intake import imaging

    gray = image if image.mode == "L" else image.convert("L")
    for code in zxingcpp.read_barcodes(gray):
        if code.format == zxingcpp.BarcodeFormat.Code39 and code.text.replace(" ", "") == "PATCHT":
            return "separator", None, ""
        if code.text.startswith("AMTSBOTE:"):
            cover = code.text.split(":", 1)[1].strip()
            break
    else:
        cover = None
    prepared = imaging.prepare(gray)
    array = np.asarray(prepared.image.convert("L"))
    pgm = b"P5\n%d %d\n255\n" % (array.shape[1], array.shape[0]) + array.tobytes()
    return ("cover" if cover else "page"), cover, tesseract(pgm)


def own_pipeline(corpus: Path, truth: dict, jobcenter) -> dict[str, list[dict]]:
    from amtsbote.intake.classify import classify
    from amtsbote.intake.identify import identify

    results: dict[str, list[dict]] = {}
    with ThreadPoolExecutor(WORKERS) as pool:
        for entry in truth["files"]:
            pages = list(pool.map(read_page, page_images(corpus / entry["file"])))
            docs: list[dict] = []
            current: dict | None = None
            for number, (kind, cover, text) in enumerate(pages, 1):
                if kind == "separator":
                    current = None
                    continue
                if current is None or kind == "cover":
                    current = {"first_page": number, "texts": [], "cover": cover}
                    docs.append(current)
                current["last_page"] = number
                current["texts"].append(text)
            for doc in docs:
                text = "\n".join(doc.pop("texts"))
                found = identify(text=text, jobcenter=jobcenter, cover_case_number=doc["cover"])
                classified = classify(text)
                doc.update(
                    text=text,
                    case=found.case.bg_number if found.case else None,
                    kind=found.kind,
                    confidence=found.confidence,
                    type=classified.code,
                    suggestions=[(s.case.bg_number, s.score) for s in found.suggestions],
                )
            results[entry["file"]] = docs
    return results


def product_pipeline(corpus: Path) -> dict[str, list[dict]]:
    from django.core.management import call_command

    # Its summary goes to stderr: stdout carries only the JSON result.
    call_command(
        "import_scans", str(corpus / "scans"), jobcenter=SLUG, wait=True, stdout=sys.stderr
    )
    out = io.StringIO()
    call_command("intake_report", json=True, stdout=out)
    results: dict[str, list[dict]] = {}
    for row in json.loads(out.getvalue()):
        docs = []
        for doc in row["documents"]:
            case = doc.get("case")
            docs.append(
                {
                    "first_page": doc["first_page"],
                    "last_page": doc["last_page"],
                    "case": case.get("bg_number") if isinstance(case, dict) else case,
                    "type": doc.get("type"),
                    "confidence": doc.get("confidence", 0.0),
                    "kind": doc.get("identifier_kind", ""),
                    "text": doc.get("text", ""),
                    "suggestions": [],
                }
            )
        results["scans/" + Path(row["file"]).name] = docs
    return results


def reference(corpus: Path, truth: dict, scratch: Path) -> tuple[int, float]:
    """Plain tesseract, 2 processes, on the same page images (rendered beforehand)."""
    paths = []
    for entry in truth["files"]:
        source = corpus / entry["file"]
        if source.suffix.lower() in (".jpg", ".jpeg", ".png"):
            paths.append(source)
            continue
        for index, image in enumerate(page_images(source)):
            target = scratch / f"{source.stem}_{index}.png"
            image.save(target, compress_level=1)
            paths.append(target)

    def run(path: Path) -> None:
        subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "deu"],
            capture_output=True,
            check=False,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(run, paths))
    return len(paths), time.perf_counter() - start


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def evaluate(truth: dict, results: dict[str, list[dict]]) -> dict:
    from rapidfuzz.distance import Levenshtein

    errors = defaultdict(int)
    lengths = defaultdict(int)
    kinds: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    filed = correct = wrong = types_ok = docs_total = 0
    split_ok = split_total = 0
    batches_ok = batches = 0
    name_ok_conf: list[float] = []
    wrong_top: list[float] = []
    wrong_cases = []
    for entry in truth["files"]:
        got = {(d["first_page"], d["last_page"]): d for d in results.get(entry["file"], [])}
        expected = {(d["first_page"], d["last_page"]) for d in entry["documents"]}
        if entry["separators"] or len(entry["documents"]) > 1:
            batches += 1
            batches_ok += set(got) == expected
        for doc in entry["documents"]:
            docs_total += 1
            split_total += 1
            mine = got.get((doc["first_page"], doc["last_page"]))
            kind = doc["identifier"]
            kinds[kind]["documents"] += 1
            if mine is None:
                continue
            split_ok += 1
            medium = entry["medium"]
            distance = Levenshtein.distance(_norm(mine["text"]), _norm(doc["text"]))
            errors[medium] += distance
            lengths[medium] += len(_norm(doc["text"]))
            types_ok += mine["type"] == doc["type"]
            if mine["case"] is not None:
                filed += 1
                kinds[kind]["filed"] += 1
                if mine["case"] == doc["bg_number"]:
                    correct += 1
                    kinds[kind]["correct"] += 1
                    if mine["kind"] == "name":
                        name_ok_conf.append(mine["confidence"])
                else:
                    wrong += 1
                    wrong_cases.append(
                        {
                            "file": entry["file"],
                            "expected": doc["bg_number"],
                            "filed": mine["case"],
                            "kind": mine["kind"],
                        }
                    )
            elif mine.get("suggestions"):
                top_case, top_score = mine["suggestions"][0]
                if top_case != doc["bg_number"]:
                    wrong_top.append(top_score)
    per_kind = {}
    for kind, counts in sorted(kinds.items()):
        total = counts["documents"]
        per_kind[kind] = {
            "documents": total,
            "filed": counts["filed"],
            "correct": counts["correct"],
            "recall": round(counts["correct"] / total, 3) if total else None,
        }
    cer = {m: round(errors[m] / lengths[m], 4) for m in lengths}
    cer["all"] = round(sum(errors.values()) / max(1, sum(lengths.values())), 4)
    return {
        "documents": docs_total,
        "cer": cer,
        "filing": {
            "precision": round(correct / filed, 4) if filed else None,
            "filed": filed,
            "wrong_case": wrong,
            "wrong_cases": wrong_cases,
            "by_identifier": per_kind,
        },
        "classification_accuracy": round(types_ok / max(1, docs_total), 4),
        "split_accuracy": {
            "documents": round(split_ok / max(1, split_total), 4),
            "batches_right": batches_ok,
            "batches": batches,
        },
        "calibration": {
            "name_filings_min_confidence": min(name_ok_conf) if name_ok_conf else None,
            "unfiled_wrong_top_suggestion_max_score": max(wrong_top) if wrong_top else None,
            "identify_threshold": __import__(
                "amtsbote.intake.identify", fromlist=["x"]
            ).AUTO_FILE_THRESHOLD,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--documents", type=int, default=120)
    parser.add_argument("--households", type=int, default=40)
    parser.add_argument("--pipeline", choices=["own", "import_scans"], default="own")
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="amtsbote-bench-intake-"))
    corpus = args.corpus
    generated = None
    if corpus is None:
        from tests.corpus.generate import generate

        corpus = work / "corpus"
        start = time.perf_counter()
        generate(corpus, seed=args.seed, households=args.households, documents=args.documents)
        generated = round(time.perf_counter() - start, 1)
    truth = json.loads((corpus / "truth.json").read_text(encoding="utf-8"))
    setup_django(work / "var")
    jobcenter = load_cases(corpus)

    pages = sum(entry["pages"] for entry in truth["files"])
    start = time.perf_counter()
    if args.pipeline == "own":
        results = own_pipeline(corpus, truth, jobcenter)
    else:
        results = product_pipeline(corpus)
    elapsed = time.perf_counter() - start
    report = {
        "bench": "intake",
        "machine": machine(),
        "pipeline": args.pipeline,
        "corpus": {
            "dir": str(corpus),
            "generated_seconds": generated,
            "files": len(truth["files"]),
            "pages": pages,
        },
        "seconds": round(elapsed, 1),
        "pages_per_minute": round(pages / elapsed * 60, 1),
    }
    if not args.no_reference:
        scratch = work / "reference"
        scratch.mkdir()
        count, seconds = reference(corpus, truth, scratch)
        report["reference_pages_per_minute"] = round(count / seconds * 60, 1)
        report["ratio_to_reference"] = round(
            report["pages_per_minute"] / report["reference_pages_per_minute"], 3
        )
    report.update(evaluate(truth, results))
    report["peak_memory_mib"] = {
        "self": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "children": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
