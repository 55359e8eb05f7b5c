"""Searching: within the user's rights, one page at a time, highlights made safe."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.cases.selectors import staff_sees_case

from ..models import Document, DocumentType
from .finders import finder_for

# Highlight markers: control characters that are removed from the text before it is
# indexed, so that after HTML-escaping the snippet they can only stand for <mark> tags.
_START, _STOP = "\x02", "\x03"
# PostgreSQL's parser drops what looks like an HTML tag from a headline; "<" and ">" pass
# through ts_headline as these and are turned back (then escaped) in Python.
_LT, _GT = "\x04", "\x05"


# Hits per page, and how far the count goes (and the pages reach): past it a search says
# "more than 1,000" and asks to be narrowed, so no page costs an unbounded count.
PER_PAGE = 20
COUNT_CAP = 1_000


@dataclass(frozen=True)
class SearchHit:
    document: Document
    snippet_html: SafeString
    rank: float


def _last_page(count: int, per_page: int) -> int:
    return max(1, -(-count // per_page))


@dataclass(frozen=True)
class SearchPage:
    """One page of hits; the attributes a template needs are named as on Django's ``Page``."""

    hits: list[SearchHit]
    number: int
    per_page: int
    # All hits, but at most COUNT_CAP; count_capped: more documents match than that.
    count: int
    count_capped: bool

    def __iter__(self) -> Iterator[SearchHit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    @property
    def num_pages(self) -> int:
        return _last_page(self.count, self.per_page)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    def start_index(self) -> int:
        """1-based position of the first hit on this page (0 when there is none)."""
        return (self.number - 1) * self.per_page + 1 if self.hits else 0

    def end_index(self) -> int:
        return (self.number - 1) * self.per_page + len(self.hits)


def _highlight(raw: str) -> SafeString:
    """Escape the snippet; only the highlight markers become markup (<mark>)."""
    raw = raw.replace(_LT, "<").replace(_GT, ">")
    text = escape(" ".join(raw.split()))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _allowed(
    user: User,
    *,
    case: Case | None,
    document_type: DocumentType | str | None,
    register_code: str | None,
    received_from: dt.date | None,
    received_to: dt.date | None,
    source: str | None,
) -> QuerySet[Document]:
    documents = Document.objects.filter(staff_sees_case(user))
    if case is not None:
        documents = documents.filter(case_id=case.pk)
    if isinstance(document_type, DocumentType):
        documents = documents.filter(document_type_id=document_type.pk)
    elif document_type:
        documents = documents.filter(document_type__code=document_type)
    if register_code:
        documents = documents.filter(register__code=register_code)
    if received_from:
        documents = documents.filter(received_at__gte=_day_start(received_from))
    if received_to:
        documents = documents.filter(received_at__lt=_day_start(received_to + dt.timedelta(1)))
    if source:
        documents = documents.filter(source=source)
    return documents


def search_documents(
    *,
    user: User,
    query: str,
    case: Case | None = None,
    document_type: DocumentType | str | None = None,
    register_code: str | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    source: str | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> SearchPage:
    """One page of the documents the user may see that match ``query`` (web-search syntax).

    Best first, then newest first, then by id, so that pages never overlap. Without a query
    but with a filter, the filtered documents are listed newest first; without either,
    nothing. The count stops at ``COUNT_CAP``, and only that many hits can be paged through.
    A page past the last one gives the last page. The search is audited (query, filters,
    page, the documents shown).
    """
    query = query.strip()[:500]
    filters: dict[str, Any] = {
        "case": case,
        "document_type": document_type,
        "register_code": register_code,
        "received_from": received_from,
        "received_to": received_to,
        "source": source,
    }
    if not query and not any(filters.values()):
        return SearchPage(hits=[], number=1, per_page=per_page, count=0, count_capped=False)
    finder = finder_for(
        _allowed(user, **filters), query, window=COUNT_CAP, one_case=case is not None
    )
    number = min(max(page, 1), _last_page(COUNT_CAP, per_page))
    # One row more than a page: on page 1 it tells whether a count is needed at all.
    rows = finder.ranked(offset=(number - 1) * per_page, limit=per_page + 1)
    if number == 1 and len(rows) <= per_page:
        count = len(rows)
    else:
        count = finder.count(cap=COUNT_CAP + 1)
        if number > (last := _last_page(min(count, COUNT_CAP), per_page)):
            number = last
            rows = finder.ranked(offset=(number - 1) * per_page, limit=per_page)
    rows = rows[:per_page]
    ids = [pk for pk, _rank in rows]
    snippets = finder.snippets(ids) if ids else {}
    documents = Document.objects.select_related("case", "register", "document_type").in_bulk(ids)
    hits = [
        SearchHit(
            document=documents[pk], snippet_html=_highlight(snippets.get(pk) or ""), rank=rank
        )
        for pk, rank in rows
        if pk in documents
    ]
    audit.record(
        "documents.document.search",
        actor=user,
        jobcenter_id=user.jobcenter_id,
        case_id=case.pk if case is not None else None,
        data={
            "query": query,
            "filters": {k: str(v) for k, v in filters.items() if v and k != "case"},
            "page": number,
            "documents": [str(hit.document.uuid) for hit in hits],
        },
    )
    return SearchPage(
        hits=hits,
        number=number,
        per_page=per_page,
        count=min(count, COUNT_CAP),
        count_capped=count > COUNT_CAP,
    )
