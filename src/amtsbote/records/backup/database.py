"""The database part of a backup: a consistent copy, the files it references, restore.

SQLite: the online backup API, in one step (one snapshot; writers go on meanwhile in WAL
mode). PostgreSQL: ``pg_dump --format=custom`` in a snapshot exported from a transaction that
also lists the referenced files; restore with ``pg_restore`` into an emptied schema.
"""

# The SQL here is built from model metadata (table and column names), never from input.
# ruff: noqa: S608

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import uuid as uuid_module
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import IO, Any

from django.db import connection, connections

from amtsbote.audit.models import AuditChainHead, AuditEvent
from amtsbote.records.integrity import FILE_FIELDS, row_label

from .common import BackupError


def _reference_queries() -> Iterator[tuple[str, bool, str]]:
    """(model, has uuid, SQL) selecting id, uuid and name of every stored file reference."""
    for ref in FILE_FIELDS:
        meta = ref.model_class._meta
        pk = f'"{meta.pk.column}"'
        has_uuid = any(f.name == "uuid" for f in meta.concrete_fields)
        uuid = '"uuid"' if has_uuid else pk
        column = f'"{ref.file_field.column}"'
        table = f'"{meta.db_table}"'
        sql = f"SELECT {pk}, {uuid}, {column} FROM {table} WHERE {column} <> '' ORDER BY {pk}"
        yield ref.model, has_uuid, sql


def _write_reference(out: IO[str], model: str, has_uuid: bool, row: tuple[Any, ...]) -> None:
    pk, uuid, name = row
    label = row_label(pk, uuid_module.UUID(str(uuid)) if has_uuid else None)
    out.write(json.dumps({"name": name, "model": model, "row": label}) + "\n")


def _facts(cursor: Any) -> dict[str, Any]:
    """Applied migrations and the audit chain (events, head hash) of the database copy."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = [f"{app}.{name}" for app, name in cursor.fetchall()]
    events = AuditEvent._meta.db_table
    head = AuditChainHead._meta.db_table
    cursor.execute(f'SELECT count(*), (SELECT "hash" FROM "{head}" WHERE "id" = 1) FROM "{events}"')
    count, head_hash = cursor.fetchone()
    return {"migrations": migrations, "audit": {"events": count, "head": head_hash or ""}}


def snapshot(target: Path, references: IO[str]) -> dict[str, Any]:
    """Copy the database to ``target``; write the file references of that copy to
    ``references`` (one JSON object a line); return its migrations and audit chain state."""
    if connection.vendor == "sqlite":
        return _snapshot_sqlite(target, references)
    if connection.vendor == "postgresql":
        return _snapshot_postgresql(target, references)
    raise BackupError(f"Cannot back up a {connection.vendor} database.")


def _snapshot_sqlite(target: Path, references: IO[str]) -> dict[str, Any]:
    source = connection.settings_dict["NAME"]
    if not source or str(source).startswith(":memory:") or "mode=memory" in str(source):
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    # One step: the copy is one consistent snapshot (WAL: writers go on meanwhile).
    with (
        closing(sqlite3.connect(source, timeout=30)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)
    with closing(sqlite3.connect(target)) as db:
        db.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        facts = _facts(db.cursor())
        for model, has_uuid, sql in _reference_queries():
            cursor = db.execute(sql)
            while rows := cursor.fetchmany(2000):
                for row in rows:
                    _write_reference(references, model, has_uuid, row)
    return facts


def _pg_command(program: str, *args: str) -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    command = [program, "--no-password", f"--dbname={settings['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command.append(f"{option}={settings[key]}")
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if value := settings.get("OPTIONS", {}).get(option):
            env[f"PG{option.upper()}"] = str(value)
    return [*command, *args], env


def _pg_run(program: str, *args: str) -> None:
    command, env = _pg_command(program, *args)
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise BackupError(
            f"{program} not found: install the PostgreSQL client tools (the server's major "
            "version or newer)."
        ) from exc
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def _snapshot_postgresql(target: Path, references: IO[str]) -> dict[str, Any]:
    # pg_dump and the list of referenced files see the same exported snapshot.
    snapshot_connection = connection.copy()
    try:
        snapshot_connection.ensure_connection()
        snapshot_connection.set_autocommit(False)
        raw = snapshot_connection.connection
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _pg_run("pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={target}")
            facts = _facts(cursor)
        for number, (model, has_uuid, sql) in enumerate(_reference_queries()):
            with raw.cursor(name=f"amtsbote_backup_{number}") as cursor:  # streamed
                cursor.execute(sql)
                while rows := cursor.fetchmany(2000):
                    for row in rows:
                        _write_reference(references, model, has_uuid, row)
        raw.rollback()
    finally:
        snapshot_connection.close()
    return facts


def _drop_postgresql_schema() -> None:
    """Empty the database: every table, sequence, view and function of the schema."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor, include_views=False)
        if tables:
            cursor.execute(
                "DROP TABLE IF EXISTS " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"
            )
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p "
            "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
        )
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'S'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP SEQUENCE IF EXISTS "{name}" CASCADE')
    connections.close_all()


def restore_database(path: Path, vendor: str) -> None:
    connections.close_all()
    if vendor == "sqlite":
        name = connection.settings_dict["NAME"]
        with (
            closing(sqlite3.connect(path)) as src,
            closing(sqlite3.connect(name, timeout=30)) as dst,
        ):
            dst.execute("PRAGMA journal_mode=DELETE")  # any page size; WAL again on next connect
            src.backup(dst)
    else:
        _drop_postgresql_schema()
        _pg_run(
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(path),
        )
    connections.close_all()
