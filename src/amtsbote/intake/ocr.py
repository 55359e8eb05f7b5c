"""Tesseract, loaded once per OCR thread: each page gives its text and a searchable page.

Tesseract runs through ``tesserocr`` (its C++ API) in a pool of OCR processes started once.
Each keeps one engine with the language model loaded, so a page costs only its recognition:
starting the
``tesseract`` program per page loads the model again, ~0.15 s of CPU on top of ~0.5 s for an
A4 scan. ``ProcessPages`` with the PDF and text renderers recognises the page once and
writes both the text and a one-page PDF (the page image with an invisible text layer), so
OCR never runs twice. ``INTAKE_OCR_PROCESSES`` processes (default: one per core) recognise
pages side by side, each single-threaded (``OMP_THREAD_LIMIT=1``): tesserocr keeps the GIL
while it works, so threads would take turns.

The language models (``deu.traineddata``) and the PDF renderer's glyphless font
(``pdf.ttf``) come from the system's tessdata folder (Debian: ``tesseract-ocr-deu``), found
by itself or set with ``AMTSBOTE_INTAKE_TESSDATA_DIR``.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # before tesseract's OpenMP starts its threads

JPEG_QUALITY = 75
PAGE_TIMEOUT_SECONDS = 300
_TESSDATA_CANDIDATES = (
    "/usr/share/tesseract-ocr/5/tessdata",
    "/usr/share/tesseract-ocr/4.00/tessdata",
    "/usr/share/tessdata",
    "/usr/local/share/tessdata",
)


@dataclass(frozen=True)
class OcrResult:
    text: str
    pdf: bytes


def processes() -> int:
    configured = getattr(settings, "INTAKE_OCR_PROCESSES", None)
    return max(1, int(configured or os.cpu_count() or 1))


def languages() -> str:
    return str(getattr(settings, "INTAKE_OCR_LANGUAGES", "deu"))


def tessdata_dir() -> str:
    """The folder with the language models and ``pdf.ttf``; ImproperlyConfigured if none."""
    configured = getattr(settings, "INTAKE_TESSDATA_DIR", "") or os.environ.get(
        "TESSDATA_PREFIX", ""
    )
    return _tessdata_dir(str(configured), languages())


@cache
def _tessdata_dir(configured: str, langs: str) -> str:
    candidates = [configured] if configured else list(_TESSDATA_CANDIDATES)
    needed = [f"{lang}.traineddata" for lang in langs.split("+")] + ["pdf.ttf"]
    for folder in candidates:
        if all((Path(folder) / name).is_file() for name in needed):
            return folder.rstrip("/") + "/"
    raise ImproperlyConfigured(
        f"No tessdata folder with {', '.join(needed)} in {', '.join(candidates)}: install "
        "tesseract-ocr and tesseract-ocr-deu (scripts/install-system-deps.sh) or set "
        "AMTSBOTE_INTAKE_TESSDATA_DIR."
    )


# --- the OCR processes ----------------------------------------------------------------------
# tesserocr holds the GIL while ``ProcessPages`` runs, so recognition runs in a small pool of
# processes (started once, with "spawn": the caller has threads), each with one engine whose
# model stays loaded. Pages go in as encoded files, text and PDF come back.

_engine: Any = None


def _engine_start(tessdata: str, langs: str) -> None:
    """In an OCR process: load the model once; leave when the worker that started us is gone."""
    global _engine
    os.environ["OMP_THREAD_LIMIT"] = "1"
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    import tesserocr

    _engine = tesserocr.PyTessBaseAPI(path=tessdata, lang=langs, psm=tesserocr.PSM.AUTO)
    _engine.SetVariable("tessedit_create_pdf", "1")
    _engine.SetVariable("tessedit_create_txt", "1")


def _watch_parent(parent: int) -> None:
    """A worker killed with SIGKILL cannot stop its OCR processes, and they would wait for
    pages for ever (each holds its own end of the task queue): they stop themselves."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def _engine_run(data: bytes, suffix: str, dpi: int, timeout: int) -> tuple[str, bytes]:
    """In an OCR process: text and searchable PDF of one encoded page."""
    _engine.SetVariable("user_defined_dpi", str(dpi))
    with tempfile.TemporaryDirectory(prefix="amtsbote-intake-") as tmp:
        source = Path(tmp) / f"page.{suffix}"
        source.write_bytes(data)
        base = Path(tmp) / "out"
        try:
            if not _engine.ProcessPages(str(base), str(source), timeout=timeout * 1000):
                raise RuntimeError(f"tesseract could not read the page ({dpi} dpi)")
        finally:
            _engine.Clear()
        text = base.with_suffix(".txt").read_text(errors="replace")
        return text, base.with_suffix(".pdf").read_bytes()


_pool_lock = threading.Lock()
_pool: tuple[tuple[str, str, int], ProcessPoolExecutor] | None = None


def _processes() -> ProcessPoolExecutor:
    """The OCR processes for the current settings (started on first use, then kept)."""
    global _pool
    key = (tessdata_dir(), languages(), processes())
    with _pool_lock:
        if _pool is not None and _pool[0] == key:
            return _pool[1]
        if _pool is not None:
            _pool[1].shutdown(wait=False, cancel_futures=True)
        executor = ProcessPoolExecutor(
            max_workers=key[2],
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_engine_start,
            initargs=key[:2],
        )
        _pool = (key, executor)
        return executor


def _processes_reset(broken: ProcessPoolExecutor) -> None:
    """Forget a pool whose process died (a crash inside tesseract): the next page starts anew."""
    global _pool
    with _pool_lock:
        if _pool is not None and _pool[1] is broken:
            _pool = None
    broken.shutdown(wait=False, cancel_futures=True)


def encode_page(image: Image.Image, dpi: int) -> tuple[bytes, str]:
    """The page as embedded into the PDF (JPEG; PNG for 1-bit)."""
    out = io.BytesIO()
    if image.mode == "1":
        image.save(out, "PNG", dpi=(dpi, dpi))
        return out.getvalue(), "png"
    image.convert("L" if image.mode == "L" else "RGB").save(
        out, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi)
    )
    return out.getvalue(), "jpg"


def recognise(image: Image.Image, *, dpi: int, timeout: int = PAGE_TIMEOUT_SECONDS) -> OcrResult:
    """Text and a searchable one-page PDF of ``image`` (German by default).

    The page is encoded once; tesseract reads that file and its PDF renderer embeds it as it
    is (no second JPEG generation). Blocks the calling thread (without the GIL) while one of
    the OCR processes recognises the page.
    """
    data, suffix = encode_page(image, dpi)
    executor = _processes()
    try:
        text, pdf = executor.submit(_engine_run, data, suffix, dpi, timeout).result()
    except BrokenProcessPool:
        _processes_reset(executor)
        raise
    from amtsbote.core.metrics import ocr_pages_count  # not in the spawned OCR processes

    ocr_pages_count(1, source="mailroom")
    return OcrResult(text.replace("\x0c", "").strip(), pdf)
