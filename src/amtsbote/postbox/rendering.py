"""PDFs the postbox makes: DIN 5008 letters, the daily print batch, the proof of delivery.

Letters are German whatever the user's language (§ 19 SGB X: the official language), so
their templates are written in German, like the legal hint of a document request.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

import pikepdf
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from amtsbote.cases.models import Case, Person
from amtsbote.documents.processing import html_to_pdf

from .models import Letter, PrintJob

A4_POINTS = (595.28, 841.89)


def letter_context(case: Case, addressee: Person, subject: str, **extra: Any) -> dict[str, Any]:
    jobcenter = case.jobcenter
    address_lines = [line.strip() for line in jobcenter.address.splitlines() if line.strip()]
    return {
        "jobcenter": jobcenter,
        "return_address": " · ".join([jobcenter.name, *address_lines]),
        "case": case,
        "person": addressee,
        "subject": subject,
        "today": timezone.localdate(),
        **extra,
    }


def render_letter(template: str, context: dict[str, Any]) -> bytes:
    """A letter from ``postbox/letters/<template>.html``, rendered in German."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(f"postbox/letters/{template}.html", context)
    return html_to_pdf(html)


def concatenate(parts: Iterable[bytes], *, pad_to_even: bool = False) -> bytes:
    """PDFs one after the other; with ``pad_to_even`` each part gets a blank back page when
    it has an odd page count, so that duplex printing never puts two letters on one sheet."""
    result = pikepdf.Pdf.new()
    for data in parts:
        part = pikepdf.open(io.BytesIO(data))
        result.pages.extend(part.pages)
        if pad_to_even and len(part.pages) % 2:
            result.add_blank_page(page_size=A4_POINTS)
    result.docinfo["/Producer"] = "Amtsbote"
    out = io.BytesIO()
    result.save(out, deterministic_id=True)
    return out.getvalue()


def letter_pdf_bytes(letter: Letter) -> bytes:
    version = letter.document.current_version
    assert version is not None
    with version.file.open("rb") as handle:
        return handle.read()


def print_batch_pdf(jobs: Sequence[PrintJob]) -> bytes:
    """The day's print batch: every queued letter, duplex-safe.

    Letters made from a template carry the address in the window field already; an uploaded
    PDF gets an address sheet in front of it (DIN 5008 window position), so every envelope
    shows the right address.
    """
    parts = []
    for job in jobs:
        letter = job.letter
        pdf = letter_pdf_bytes(letter)
        if letter.template == "upload":
            sheet = render_letter(
                "address_sheet",
                letter_context(letter.case, letter.addressee, letter.subject, letter=letter),
            )
            pdf = concatenate([sheet, pdf])
        parts.append(pdf)
    return concatenate(parts, pad_to_even=True)


def proof_of_delivery_pdf(letter: Letter, *, timeline: Sequence[object], **extra: Any) -> bytes:
    """The proof of delivery for court: the evidence of each step, with the document's hash,
    sealed (``core.sealing``) so that any later change is detectable."""
    version = letter.document.current_version
    context = {
        "letter": letter,
        "jobcenter": letter.case.jobcenter,
        "case": letter.case,
        "person": letter.addressee,
        "version": version,
        "timeline": timeline,
        "created": timezone.now(),
        "days": settings.POSTBOX_BEKANNTGABE_DAYS,
        "policy": settings.POSTBOX_POLICY,
        **extra,
    }
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("postbox/proof_of_delivery.html", context)
    from amtsbote.core.sealing import seal_pdf  # pyHanko: loaded only where a seal is made

    return seal_pdf(html_to_pdf(html), reason=f"Zustellnachweis {letter.uuid}")


def date_de(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""
