"""The search index and the database triggers that keep it in step with the documents.

See ``amtsbote.documents.search`` for what is indexed. Installed by migration
``documents.0004_search_index``; ``search_index_ensure`` re-installs it after a migration
rebuilt a table on SQLite (which drops the table's triggers).
"""

# Every SQL string here is built from constants of this module; user input only ever goes in
# as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import connection as default_connection
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

# Text beyond this is not indexed (a PostgreSQL tsvector holds at most 1 MB).
INDEXED_CHARACTERS = 250_000

# --- SQLite: FTS5 table and triggers --------------------------------------------------------

_SQLITE_BODY = (
    "COALESCE((SELECT replace(replace(substr(v.text, 1, {chars}), char(2), ''), char(3), '')"
    " FROM documents_documentversion v WHERE v.document_id = {doc}"
    " ORDER BY v.number DESC LIMIT 1), '')"
)
_SQLITE_TYPE = "COALESCE((SELECT t.name FROM documents_documenttype t WHERE t.id = {type}), '')"


def _sqlite_body(doc: str) -> str:
    return _SQLITE_BODY.format(chars=INDEXED_CHARACTERS, doc=doc)


_SQLITE_TRIGGERS = {
    "documents_search_document_insert": f"""
        AFTER INSERT ON documents_document BEGIN
            INSERT INTO documents_search (rowid, title, body, type_name) VALUES (
                NEW.id, NEW.title, {_sqlite_body("NEW.id")},
                {_SQLITE_TYPE.format(type="NEW.document_type_id")});
        END""",
    "documents_search_document_update": f"""
        AFTER UPDATE OF title, document_type_id ON documents_document BEGIN
            UPDATE documents_search SET title = NEW.title,
                type_name = {_SQLITE_TYPE.format(type="NEW.document_type_id")}
            WHERE rowid = NEW.id;
        END""",
    "documents_search_document_delete": """
        AFTER DELETE ON documents_document BEGIN
            DELETE FROM documents_search WHERE rowid = OLD.id;
        END""",
    "documents_search_version_insert": f"""
        AFTER INSERT ON documents_documentversion BEGIN
            UPDATE documents_search SET body = {_sqlite_body("NEW.document_id")}
            WHERE rowid = NEW.document_id;
        END""",
    "documents_search_version_update": f"""
        AFTER UPDATE OF text, number, document_id ON documents_documentversion BEGIN
            UPDATE documents_search SET body = {_sqlite_body("OLD.document_id")}
            WHERE rowid = OLD.document_id;
            UPDATE documents_search SET body = {_sqlite_body("NEW.document_id")}
            WHERE rowid = NEW.document_id;
        END""",
    "documents_search_version_delete": f"""
        AFTER DELETE ON documents_documentversion BEGIN
            UPDATE documents_search SET body = {_sqlite_body("OLD.document_id")}
            WHERE rowid = OLD.document_id;
        END""",
    "documents_search_type_update": """
        AFTER UPDATE OF name ON documents_documenttype BEGIN
            UPDATE documents_search SET type_name = NEW.name WHERE rowid IN
                (SELECT id FROM documents_document WHERE document_type_id = NEW.id);
        END""",
}


def _sqlite_install(cursor: Any) -> None:
    cursor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS documents_search USING fts5("
        "title, body, type_name, tokenize = 'unicode61 remove_diacritics 2')"
    )
    for name, body in _SQLITE_TRIGGERS.items():
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        cursor.execute(f"CREATE TRIGGER {name} {body}")
    cursor.execute("DELETE FROM documents_search")
    cursor.execute(
        "INSERT INTO documents_search (rowid, title, body, type_name) "
        f"SELECT d.id, d.title, {_sqlite_body('d.id')}, "
        f"{_SQLITE_TYPE.format(type='d.document_type_id')} FROM documents_document d"
    )


def _sqlite_uninstall(cursor: Any) -> None:
    for name in _SQLITE_TRIGGERS:
        cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute("DROP TABLE IF EXISTS documents_search")


def _sqlite_installed(cursor: Any) -> bool:
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE (type = 'trigger' AND name LIKE 'documents_search_%')"
        " OR (type = 'table' AND name = 'documents_search')"
    )
    found = {row[0] for row in cursor.fetchall()}
    return found >= {*_SQLITE_TRIGGERS, "documents_search"}


# --- PostgreSQL: tsvector column, GIN index and triggers ------------------------------------

_PG_INSTALL = f"""
ALTER TABLE documents_document ADD COLUMN IF NOT EXISTS search_vector tsvector;

CREATE OR REPLACE FUNCTION documents_search_body(doc_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT replace(replace(left(coalesce(v.text, ''), {INDEXED_CHARACTERS}),
                           chr(2), ''), chr(3), '')
    FROM documents_documentversion v WHERE v.document_id = doc_id
    ORDER BY v.number DESC LIMIT 1
$$;

CREATE OR REPLACE FUNCTION documents_search_vector(doc_id bigint, doc_title text, type_id bigint)
RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT setweight(to_tsvector('german', coalesce(doc_title, '')), 'A')
        || setweight(to_tsvector('german', coalesce(
               (SELECT t.name FROM documents_documenttype t WHERE t.id = type_id), '')), 'B')
        || setweight(to_tsvector('german', coalesce(documents_search_body(doc_id), '')), 'D')
$$;

CREATE OR REPLACE FUNCTION documents_search_document_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := documents_search_vector(NEW.id, NEW.title, NEW.document_type_id);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION documents_search_version_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE documents_document d
        SET search_vector = documents_search_vector(d.id, d.title, d.document_type_id)
        WHERE d.id = OLD.document_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE documents_document d
        SET search_vector = documents_search_vector(d.id, d.title, d.document_type_id)
        WHERE d.id = NEW.document_id;
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION documents_search_type_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE documents_document d
    SET search_vector = documents_search_vector(d.id, d.title, d.document_type_id)
    WHERE d.document_type_id = NEW.id;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS documents_search_document ON documents_document;
CREATE TRIGGER documents_search_document
    BEFORE INSERT OR UPDATE OF title, document_type_id ON documents_document
    FOR EACH ROW EXECUTE FUNCTION documents_search_document_trigger();

DROP TRIGGER IF EXISTS documents_search_version ON documents_documentversion;
CREATE TRIGGER documents_search_version
    AFTER INSERT OR DELETE OR UPDATE OF text, number, document_id ON documents_documentversion
    FOR EACH ROW EXECUTE FUNCTION documents_search_version_trigger();

DROP TRIGGER IF EXISTS documents_search_type ON documents_documenttype;
CREATE TRIGGER documents_search_type
    AFTER UPDATE OF name ON documents_documenttype
    FOR EACH ROW EXECUTE FUNCTION documents_search_type_trigger();

UPDATE documents_document
SET search_vector = documents_search_vector(id, title, document_type_id);

CREATE INDEX IF NOT EXISTS documents_document_search_gin
    ON documents_document USING gin (search_vector);
"""

_PG_UNINSTALL = """
DROP TRIGGER IF EXISTS documents_search_document ON documents_document;
DROP TRIGGER IF EXISTS documents_search_version ON documents_documentversion;
DROP TRIGGER IF EXISTS documents_search_type ON documents_documenttype;
DROP FUNCTION IF EXISTS documents_search_document_trigger();
DROP FUNCTION IF EXISTS documents_search_version_trigger();
DROP FUNCTION IF EXISTS documents_search_type_trigger();
DROP FUNCTION IF EXISTS documents_search_vector(bigint, text, bigint);
DROP FUNCTION IF EXISTS documents_search_body(bigint);
DROP INDEX IF EXISTS documents_document_search_gin;
ALTER TABLE documents_document DROP COLUMN IF EXISTS search_vector;
"""


def _pg_installed(cursor: Any) -> bool:
    cursor.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgname IN "
        "('documents_search_document', 'documents_search_version', 'documents_search_type')"
    )
    return bool(cursor.fetchone()[0] == 3)


# --- installing and checking ----------------------------------------------------------------


def search_index_install(connection: BaseDatabaseWrapper | None = None) -> None:
    """Create (or re-create) the index and its triggers, then fill it from the documents."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_INSTALL)
        elif connection.vendor == "sqlite":
            _sqlite_install(cursor)


def search_index_uninstall(connection: BaseDatabaseWrapper | None = None) -> None:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_UNINSTALL)
        elif connection.vendor == "sqlite":
            _sqlite_uninstall(cursor)


def search_index_installed(connection: BaseDatabaseWrapper | None = None) -> bool:
    connection = connection or default_connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _pg_installed(cursor)
        if connection.vendor == "sqlite":
            return _sqlite_installed(cursor)
    return False


def search_index_ensure(
    connection: BaseDatabaseWrapper | None = None, *, using: str | None = None, **kwargs: Any
) -> bool:
    """Install the index when a trigger is missing (after a table rebuild); True if it did.

    Fits ``post_migrate.connect(search_index_ensure, sender=app_config)`` (which passes
    ``using``); does nothing before the search migration has run.
    """
    from django.db.migrations.recorder import MigrationRecorder

    connection = connection or (connections[using] if using else default_connection)
    if connection.vendor not in ("postgresql", "sqlite"):
        return False
    recorder = MigrationRecorder(connection)
    if not (
        recorder.has_table()
        and recorder.migration_qs.filter(app="documents", name="0004_search_index").exists()
    ):
        return False
    if search_index_installed(connection):
        return False
    search_index_install(connection)
    return True
