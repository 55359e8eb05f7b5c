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
"""

from .index import (
    INDEXED_CHARACTERS,
    search_index_ensure,
    search_index_install,
    search_index_installed,
    search_index_uninstall,
)
from .query import HEADLINE_WINDOW, SearchHit, fts5_query, search_documents

__all__ = [
    "HEADLINE_WINDOW",
    "INDEXED_CHARACTERS",
    "SearchHit",
    "fts5_query",
    "search_documents",
    "search_index_ensure",
    "search_index_install",
    "search_index_installed",
    "search_index_uninstall",
]
