"""Searching: translate the query, rank within the user's rights, highlight safely."""

# Every SQL string here is built from constants of this module; user input only ever goes in
# as a query parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection as default_connection
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from amtsbote import audit
from amtsbote.accounts.models import User
from amtsbote.cases.models import Case
from amtsbote.cases.selectors import cases_for_staff

from ..models import Document, DocumentType

# PostgreSQL highlights within this many characters around the first occurrence of a query
# word (ts_headline parses all the text it gets, for every hit).
HEADLINE_WINDOW = 1_500
# Highlight markers: control characters that are removed from the text before it is
# indexed, so that after HTML-escaping the snippet they can only stand for <mark> tags.
_START, _STOP = "\x02", "\x03"
# PostgreSQL's parser drops what looks like an HTML tag from a headline; "<" and ">" pass
# through ts_headline as these and are turned back (then escaped) in Python.
_LT, _GT = "\x04", "\x05"


@dataclass(frozen=True)
class SearchHit:
    document: Document
    snippet_html: SafeString
    rank: float


_TOKEN_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD_RE = re.compile(r"\w+")
_SUFFIXES = ("ern", "en", "er", "es", "e", "n", "s")


def _stem(word: str) -> str:
    """A light German suffix stripping for SQLite: Mietverträge → mietverträg (then prefix)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def fts5_query(query: str) -> str:
    """Translate web-search syntax (words, "phrases", ``or``, ``-word``) into an FTS5 query.

    Every word becomes a quoted term, so user input can never be FTS5 syntax. Returns ""
    when nothing is left to search for.
    """
    groups: list[list[str]] = [[]]
    negative: list[str] = []
    for match in _TOKEN_RE.finditer(query):
        minus, phrase, bare = match.groups()
        if bare is not None and bare.lower() == "or":
            if groups[-1]:
                groups.append([])
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            minus, bare = "-", bare[1:]
        words = _WORD_RE.findall((phrase if phrase is not None else bare).lower())
        if not words:
            continue
        if phrase is not None or len(words) > 1:
            term = '"' + " ".join(words) + '"'
        else:
            term = '"' + _stem(words[0]) + '"*'
        (negative if minus else groups[-1]).append(term)
    groups = [g for g in groups if g]
    if not groups:
        return ""
    anded = [" AND ".join(group) for group in groups]
    positive = anded[0] if len(anded) == 1 else " OR ".join(f"({a})" for a in anded)
    if negative:
        return f"({positive}) NOT ({' OR '.join(negative)})"
    return positive


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
    documents = Document.objects.filter(case__in=cases_for_staff(user).values("id"))
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


def _ranked_postgresql(allowed: QuerySet[Document], query: str, limit: int) -> list[tuple]:
    tsquery = "websearch_to_tsquery('german', %s)"
    ranked = list(
        allowed.filter(
            RawSQL(
                f"documents_document.search_vector @@ {tsquery}",
                (query,),
                output_field=BooleanField(),
            )
        )
        .annotate(
            rank=RawSQL(
                f"ts_rank(documents_document.search_vector, {tsquery})",
                (query,),
                output_field=FloatField(),
            )
        )
        .order_by("-rank", "-received_at", "-id")
        .values_list("id", "rank")[:limit]
    )
    if not ranked:
        return []
    # ts_headline parses all the text it gets, which costs more than the search itself: it
    # gets a window of the text around the first place where a query word's stem occurs.
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH q AS (
                SELECT websearch_to_tsquery('german', %s) AS query, array(
                    SELECT s FROM unnest(tsvector_to_array(to_tsvector('german', %s))
                                         || regexp_split_to_array(lower(%s), '\\W+')) s
                    WHERE length(s) >= 3) AS stems
            )
            SELECT d.id, w.start > 1, ts_headline('german',
                translate(substr(b.body, w.start, {HEADLINE_WINDOW}), '<>', chr(4) || chr(5)),
                q.query,
                'StartSel=' || chr(2) || ', StopSel=' || chr(3) || ', MaxWords=35, MinWords=15')
            FROM documents_document d CROSS JOIN q
            CROSS JOIN LATERAL (SELECT coalesce(documents_search_body(d.id), '') AS body) b
            CROSS JOIN LATERAL (
                SELECT greatest(1, coalesce(min(nullif(strpos(lower(b.body), s), 0)), 1)
                                   - {HEADLINE_WINDOW // 3}) AS start
                FROM unnest(q.stems) s
            ) w
            WHERE d.id = ANY(%s)
            """,
            (query, query, query, [row[0] for row in ranked]),
        )
        snippets = {pk: ("… " if cut else "") + text for pk, cut, text in cursor.fetchall()}
    return [(pk, float(rank), snippets.get(pk) or "") for pk, rank in ranked]


def _ranked_sqlite(allowed: QuerySet[Document], query: str, limit: int) -> list[tuple]:
    match = fts5_query(query)
    if not match:
        return []
    try:
        allowed_sql, params = allowed.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:  # the user may see no case at all
        return []
    bm25 = "bm25(documents_search, 10.0, 1.0, 4.0)"
    # "+rowid": the rights are checked on the matches; without the plus SQLite would run the
    # full-text query once for every document the user may see.
    with default_connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT documents_search.rowid, -{bm25} AS rank FROM documents_search
            WHERE documents_search MATCH %s AND +documents_search.rowid IN ({allowed_sql})
            ORDER BY {bm25}, documents_search.rowid DESC LIMIT %s
            """,
            (match, *params, limit),
        )
        ranked = cursor.fetchall()
        if not ranked:
            return []
        ids = [row[0] for row in ranked]
        cursor.execute(
            f"""
            SELECT rowid, snippet(documents_search, 1, char(2), char(3), ' … ', 24)
            FROM documents_search WHERE documents_search MATCH %s
            AND +rowid IN ({", ".join(["%s"] * len(ids))})
            """,
            (match, *ids),
        )
        snippets = dict(cursor.fetchall())
    return [(pk, float(rank), snippets.get(pk) or "") for pk, rank in ranked]


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
    limit: int = 50,
) -> list[SearchHit]:
    """Documents the user may see that match ``query`` (web-search syntax), best first.

    Without a query but with a filter, the filtered documents are listed newest first.
    Without either, nothing is returned. The search is audited (query, filters, hits).
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
        return []
    allowed = _allowed(user, **filters)
    if not query:
        newest = allowed.order_by("-received_at", "-id").values_list("id", flat=True)[:limit]
        rows = [(pk, 0.0, "") for pk in newest]
    else:
        ranked = _ranked_postgresql if default_connection.vendor == "postgresql" else _ranked_sqlite
        rows = ranked(allowed, query, limit)
    documents = Document.objects.select_related("case", "register", "document_type").in_bulk(
        [pk for pk, _rank, _snippet in rows]
    )
    hits = [
        SearchHit(document=documents[pk], snippet_html=_highlight(snippet), rank=rank)
        for pk, rank, snippet in rows
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
            "documents": [str(hit.document.uuid) for hit in hits],
        },
    )
    return hits
