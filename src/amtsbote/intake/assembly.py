"""Putting a document together from its pages: text, archival PDF, identification, type."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from amtsbote.cases.models import Case, Jobcenter

from . import pages as page_tools
from .barcodes import Cover, parse_cover
from .constants import IdentifierKind
from .models import ScanPage


def content_pages(pages: list[ScanPage]) -> list[ScanPage]:
    """The pages that belong into the document (separator sheets are dropped)."""
    return [page for page in pages if not page.is_separator]


def document_text(pages: list[ScanPage]) -> str:
    return "\n\n".join(page.text for page in content_pages(pages) if page.text)


def document_pdf(pages: list[ScanPage]) -> tuple[bytes, int]:
    """The archival PDF of the pages (their searchable page PDFs merged, staff turns applied)."""
    parts = []
    for page in content_pages(pages):
        with page.pdf.open("rb") as handle:
            parts.append((handle.read(), page.manual_rotation))
    return page_tools.merge_pdfs(parts), len(parts)


def document_thumbnail(pages: list[ScanPage]) -> bytes | None:
    """The first page's thumbnail (made when the page was read), turned as staff turned it."""
    first = content_pages(pages)[:1]
    if not first or not first[0].thumbnail:
        return None
    with first[0].thumbnail.open("rb") as handle:
        data = handle.read()
    return page_tools.turn_jpeg(data, first[0].manual_rotation)


def cover_of(pages: list[ScanPage]) -> Cover | None:
    first = content_pages(pages)[:1]
    return parse_cover(first[0].cover_payload) if first and first[0].cover_payload else None


@dataclass
class Analysis:
    """What identification and classification say about a document."""

    text: str
    case: Case | None
    identifier_kind: str
    confidence: float
    numbers: list[str]
    suggestions: list[dict[str, Any]]
    type_code: str
    type_confidence: float
    cover: Cover | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def analyse(pages: list[ScanPage], *, jobcenter: Jobcenter) -> Analysis:
    """Identify the case (only when sure) and classify the type of a document's pages."""
    from . import classify, identify

    text = document_text(pages)
    cover = cover_of(pages)
    found = identify.identify(
        text=text, jobcenter=jobcenter, cover_case_number=cover.bg_number if cover else None
    )
    case = found.case
    if case is not None and case.jobcenter_id != jobcenter.pk:
        case = None  # never across jobcenters, whatever identification says
    kind = found.kind if found.kind in IdentifierKind.values else IdentifierKind.NONE
    classified = classify.classify(text)
    return Analysis(
        text=text,
        case=case,
        identifier_kind=kind,
        confidence=float(found.confidence),
        numbers=list(found.numbers),
        suggestions=[
            {
                "case": str(s.case.uuid),
                "bg_number": s.case.bg_number,
                "score": round(float(s.score), 4),
                "reason": s.reason,
            }
            for s in found.suggestions
        ],
        type_code=classified.code or "",
        type_confidence=float(classified.confidence),
        cover=cover,
    )
