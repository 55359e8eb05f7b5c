"""How each kind of search finds, counts and highlights: PostgreSQL, SQLite FTS5, or no words.

A finder gets the documents the user may see (a queryset, filters applied) and the query;
it returns one slice of the hits in the final order, a count that stops at a cap, and
highlighted excerpts for the documents of one page.
"""

# Every SQL string here is built from constants of this module; user input only ever goes in
# as a query parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import datetime as dt
import json
import re
from abc import ABC, abstractmethod

from django.core.exceptions import EmptyResultSet
from django.db import connection as default_connection
from django.db import transaction
from django.db.models import BooleanField, FloatField, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from ..models import Document

# PostgreSQL highlights within this many characters around the first occurrence of a query
# word (ts_headline parses all the text it gets, for every hit).
HEADLINE_WINDOW = 1_500
# PostgreSQL walks the documents newest first for the newest matches when the planner expects
# at least this share of all documents to match (_PostgreSQL._newest). At a million documents,
# for a caseworker who may see a sixth of them: a word in 5 % of them is found in 100 ms
# either way; a rarer one faster through the GIN index, a more common one by walking.
WALK_FROM_SHARE = 0.05
# How far back from now PostgreSQL's own plan first looks for the newest matches.
FIRST_SPAN = dt.timedelta(days=30)

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


class Finder(ABC):
    """Finds the allowed documents in one order; each kind of search is one subclass."""

    def __init__(
        self, allowed: QuerySet[Document], query: str, *, window: int, one_case: bool = False
    ) -> None:
        self.allowed = allowed
        self.query = query
        # Only this many hits can be paged through (the count stops there too).
        self.window = window
        # The documents are one household's: few, found through their case.
        self.one_case = one_case

    @abstractmethod
    def ranked(self, *, offset: int, limit: int) -> list[tuple[int, float]]:
        """(id, rank) of the hits from ``offset`` on: best first, then newest, then by id."""

    @abstractmethod
    def count(self, *, cap: int) -> int:
        """How many documents match, counting no further than ``cap``."""

    def snippets(self, ids: list[int]) -> dict[int, str]:
        """Highlighted excerpts (with the raw markers) of these documents."""
        return {}


class _Newest(Finder):
    """No words, only filters: the filtered documents, newest first."""

    def ranked(self, *, offset: int, limit: int) -> list[tuple[int, float]]:
        newest = self.allowed.order_by("-received_at", "-id").values_list("id", flat=True)
        return [(pk, 0.0) for pk in newest[offset : offset + limit]]

    def count(self, *, cap: int) -> int:
        return self.allowed.order_by().values("id")[:cap].count()


class _PostgreSQL(Finder):
    """``tsvector @@ websearch_to_tsquery`` on the GIN index, ``ts_rank``, ``ts_headline``."""

    _TSQUERY = "websearch_to_tsquery('german', %s)"
    _ids: list[int] | None = None

    def _matching(self) -> QuerySet[Document]:
        return self.allowed.filter(
            RawSQL(
                f"documents_document.search_vector @@ {self._TSQUERY}",
                (self.query,),
                output_field=BooleanField(),
            )
        )

    def _newest(self) -> list[int]:
        """Ids of the newest ``window`` + 1 matches, newest first (one more than can be paged
        to tells whether there are more), read in one of two ways.

        A word in many documents (by the planner's estimate): walk the documents newest
        first, test first whether the user may see each one and whether the filters hold,
        and only then whether it matches, until enough have matched (``_walk``). Left to
        itself PostgreSQL tests the match first, which reads the document's stored vector
        (TOAST), or collects every match through the GIN index and sorts them: 1.2-1.5 s for
        a word of the letters' boilerplate at a million documents, 0.2 s for a common
        surname; walking this way, 20-100 ms.

        Otherwise PostgreSQL's own plan (through the GIN index, or the household's documents
        for one household), window by window back from now: the last ``FIRST_SPAN``; if that
        holds too few, the time before it as far back as the rate found there says the rest
        lies (twice over); then all that is older. Several words are often found together
        far more than the planner expects (it multiplies their shares): "Stadtwerke Strom
        Abschlag" in 118,000 documents where it expected 1,700; unbounded, the GIN index
        hands all of them over to be read and sorted (0.8 s); within the last month, 4,000.
        """
        if self._ids is not None:
            return self._ids
        wanted = self.window + 1
        if not self.one_case and self._share_matching() >= WALK_FROM_SHARE:
            self._ids = self._walk(wanted)
            return self._ids
        matching = self._matching().order_by("-received_at", "-id").values_list("id", flat=True)
        if self.one_case:
            self._ids = list(matching[:wanted])
            return self._ids
        now = timezone.now()
        ids = list(matching.filter(received_at__gte=now - FIRST_SPAN)[:wanted])
        older = matching.filter(received_at__lt=now - FIRST_SPAN)
        if ids and len(ids) < wanted:  # the next window, from the rate found in the first
            start = now - FIRST_SPAN * (2 * wanted / len(ids))
            ids += older.filter(received_at__gte=start)[: wanted - len(ids)]
            older = matching.filter(received_at__lt=start)
        if len(ids) < wanted:  # nothing yet says nothing of the rate: all the rest
            ids += older[: wanted - len(ids)]
        self._ids = ids
        return ids

    def _share_matching(self) -> float:
        """The planner's estimate of the share of all documents that match the words (0 when
        the table has not been analysed yet)."""
        with default_connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = 'documents_document'::regclass"
            )
            ((documents,),) = cursor.fetchall()
            cursor.execute(
                "EXPLAIN (FORMAT JSON) SELECT 1 FROM documents_document "
                f"WHERE search_vector @@ {self._TSQUERY}",
                (self.query,),
            )
            ((plan,),) = cursor.fetchall()
        if isinstance(plan, str):
            plan = json.loads(plan)
        return plan[0]["Plan"]["Plan Rows"] / documents if documents > 0 else 0.0

    def _walk(self, wanted: int) -> list[int]:
        # The rights and filters are tested inside the subquery, the match outside it: OFFSET 0
        # keeps PostgreSQL from merging the two and testing the match first. Without a sort
        # the subquery can only be read along received_at: planned for all its rows, it
        # would rather join a filter's table (register, type) by hash and sort the result.
        try:
            inner, params = (
                self.allowed.annotate(
                    vector=RawSQL("documents_document.search_vector", (), output_field=TextField())
                )
                .order_by("-received_at", "-id")
                .values("id", "received_at", "vector")
                .query.sql_with_params()
            )
        except EmptyResultSet:  # the user may see no case at all
            return []
        with transaction.atomic(), default_connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_sort'), set_config('enable_sort', 'off', true)"
            )
            ((enable_sort, _off),) = cursor.fetchall()
            cursor.execute(
                f"""
                SELECT walk.id FROM ({inner} OFFSET 0) walk
                WHERE walk.vector @@ {self._TSQUERY}
                ORDER BY walk.received_at DESC, walk.id DESC
                LIMIT %s
                """,
                (*params, self.query, wanted),
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            # Back as it was for the rest of the transaction (set_config(…, true) lasts to
            # its end, not to the savepoint's).
            cursor.execute("SELECT set_config('enable_sort', %s, true)", (enable_sort,))
        return ids

    def ranked(self, *, offset: int, limit: int) -> list[tuple[int, float]]:
        # Only the newest `window` matches are ranked: ranking every match read every
        # matching document's vector, nearly all a caseworker may see for a word of the
        # letters' boilerplate ("Unterschrift": 170,000-280,000 of a million documents).
        # Their ids come first, by themselves: as a subquery the match's RawSQL would name the
        # outer query's table (Django gives the inner one an alias) and run once per document.
        ranked = (
            Document.objects.filter(id__in=self._newest()[: self.window])
            .annotate(
                rank=RawSQL(
                    f"ts_rank(documents_document.search_vector, {self._TSQUERY})",
                    (self.query,),
                    output_field=FloatField(),
                )
            )
            .order_by("-rank", "-received_at", "-id")
            .values_list("id", "rank")
        )
        return [(pk, float(rank)) for pk, rank in ranked[offset : offset + limit]]

    def count(self, *, cap: int) -> int:
        if cap <= self.window + 1:  # the newest matches read for the ranking tell
            return min(len(self._newest()), cap)
        return self._matching().order_by().values("id")[:cap].count()

    def snippets(self, ids: list[int]) -> dict[int, str]:
        # ts_headline parses all the text it gets, which costs more than the search itself:
        # it gets a window of the text around the first place where a query word's stem
        # occurs.
        with default_connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH q AS (
                    SELECT {self._TSQUERY} AS query, array(
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
                (self.query, self.query, self.query, ids),
            )
            return {pk: ("… " if cut else "") + text for pk, cut, text in cursor.fetchall()}


class _SQLite(Finder):
    """FTS5 ``MATCH`` with ``bm25`` and ``snippet()``; the rights are checked on the matches.

    "+rowid": without the plus SQLite would run the full-text query once for every document
    the user may see.
    """

    _BM25 = "bm25(documents_search, 10.0, 1.0, 4.0)"

    def __init__(
        self, allowed: QuerySet[Document], query: str, *, window: int, one_case: bool = False
    ) -> None:
        super().__init__(allowed, query, window=window, one_case=one_case)
        self.match = fts5_query(query)
        try:
            self.allowed_sql, self.allowed_params = (
                allowed.order_by().values("id").query.sql_with_params()
            )
        except EmptyResultSet:  # the user may see no case at all
            self.match = ""

    def _fetch(self, sql: str, params: tuple) -> list[tuple]:
        with default_connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def ranked(self, *, offset: int, limit: int) -> list[tuple[int, float]]:
        if not self.match:
            return []
        # As on PostgreSQL, only the newest `window` matches are ranked.
        rows = self._fetch(
            f"""
            SELECT id, -score FROM (
                SELECT documents_search.rowid AS id, {self._BM25} AS score,
                       d.received_at AS received_at
                FROM documents_search
                JOIN documents_document d ON d.id = documents_search.rowid
                WHERE documents_search MATCH %s
                AND +documents_search.rowid IN ({self.allowed_sql})
                ORDER BY d.received_at DESC, documents_search.rowid DESC
                LIMIT %s
            )
            ORDER BY score, received_at DESC, id DESC
            LIMIT %s OFFSET %s
            """,
            (self.match, *self.allowed_params, self.window, limit, offset),
        )
        return [(pk, float(rank)) for pk, rank in rows]

    def count(self, *, cap: int) -> int:
        if not self.match:
            return 0
        ((count,),) = self._fetch(
            f"""
            SELECT count(*) FROM (
                SELECT 1 FROM documents_search WHERE documents_search MATCH %s
                AND +documents_search.rowid IN ({self.allowed_sql}) LIMIT %s
            )
            """,
            (self.match, *self.allowed_params, cap),
        )
        return int(count)

    def snippets(self, ids: list[int]) -> dict[int, str]:
        rows = self._fetch(
            f"""
            SELECT rowid, snippet(documents_search, 1, char(2), char(3), ' … ', 24)
            FROM documents_search WHERE documents_search MATCH %s
            AND +rowid IN ({", ".join(["%s"] * len(ids))})
            """,
            (self.match, *ids),
        )
        return dict(rows)


def finder_for(
    allowed: QuerySet[Document], query: str, *, window: int, one_case: bool = False
) -> Finder:
    """The finder for this query (words or none) on this database; ``window``: how many hits
    can be paged through; ``one_case``: the documents are one household's."""
    if not query:
        return _Newest(allowed, query, window=window)
    if default_connection.vendor == "postgresql":
        return _PostgreSQL(allowed, query, window=window, one_case=one_case)
    return _SQLite(allowed, query, window=window, one_case=one_case)
