"""Full-text search over documents, within the rights of the staff member who searches.

The index covers a document's title, its type's name and the recognised text of its current
version. It is kept in step by database triggers (installed by migration
``0004_search_index``), so no service has to remember to update it:

- PostgreSQL: a ``tsvector`` column ``documents_document.search_vector`` (``german``
  configuration; title weighted A, type B, text D) with a GIN index; queries use
  ``websearch_to_tsquery`` (quotes, ``or``, ``-word``), ``ts_rank`` and ``ts_headline``.
- SQLite: an FTS5 table ``documents_search`` (rowid = document id; ``unicode61
  remove_diacritics 2``); queries are translated from the same web-search syntax into FTS5,
  with a light German suffix stripping and prefix matching in place of a stemmer; ``bm25``
  ranks and ``snippet()`` highlights.

Only the first ``INDEXED_CHARACTERS`` of a text are indexed (a tsvector holds at most 1 MB),
and PostgreSQL highlights within ``HEADLINE_WINDOW`` characters around the first occurrence
of a query word's stem (``ts_headline`` parses the whole text it is given, for every hit).

SQLite drops a table's triggers when Django rebuilds the table in a later migration;
``search_index_ensure()`` puts them back (and rebuilds the index) and is meant to run after
every ``migrate`` (``post_migrate``).

Results come a page (``PER_PAGE`` hits) at a time in a stable order: rank, then received
(newest first), then id. Counting stops at ``COUNT_CAP`` ("more than 1,000"), and only that
many hits can be paged through: a count that stops early costs little even where a word
occurs in most documents, and a search with more hits than that is better narrowed.

Modules: ``index`` (the index and its triggers), ``finders`` (how each database finds, counts
and highlights), ``query`` (``search_documents``: rights, filters, pages, audit).
"""

from .finders import HEADLINE_WINDOW, fts5_query
from .index import (
    INDEXED_CHARACTERS,
    search_index_ensure,
    search_index_install,
    search_index_installed,
    search_index_uninstall,
)
from .query import COUNT_CAP, PER_PAGE, SearchHit, SearchPage, search_documents

__all__ = [
    "COUNT_CAP",
    "HEADLINE_WINDOW",
    "INDEXED_CHARACTERS",
    "PER_PAGE",
    "SearchHit",
    "SearchPage",
    "fts5_query",
    "search_documents",
    "search_index_ensure",
    "search_index_install",
    "search_index_installed",
    "search_index_uninstall",
]
