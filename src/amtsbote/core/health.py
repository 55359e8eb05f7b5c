"""Readiness checks (``/readyz``): can this process serve? Apps add their own checks
(the virus scanner, for instance) with ``readiness_check_register``; ``core`` knows the
database, the migrations and the file storage."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

ReadinessCheck = Callable[[], None]  # raises (any exception) when not ready

_checks: dict[str, ReadinessCheck] = {}
_migrations_current = False


def readiness_check_register(name: str, check: ReadinessCheck) -> None:
    _checks[name] = check


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations() -> None:
    """Every migration applied (a web process started before ``migrate`` finished is not
    ready). Once true, it stays true for this process: the plan is costly to compute."""
    global _migrations_current
    if _migrations_current:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        raise RuntimeError(f"{len(plan)} migrations not applied")
    _migrations_current = True


def _storage() -> None:
    """The file storage answers: a local directory that is there and writable, or the
    bucket with its credentials (a HEAD request)."""
    if not isinstance(default_storage, FileSystemStorage):
        check_available = getattr(default_storage, "check_available", None)
        if check_available is not None:
            check_available()  # S3: a HEAD on the bucket (a misnamed one fails)
        else:
            default_storage.exists("_readiness-probe")
        return
    location = default_storage.location
    try:
        os.makedirs(location, exist_ok=True)  # as the first stored file would
    except OSError as exc:
        raise RuntimeError(f"storage directory {location} cannot be made: {exc}") from exc
    if not os.access(location, os.W_OK | os.X_OK):
        raise RuntimeError(f"storage directory {location} is not writable")


readiness_check_register("database", _database)
readiness_check_register("migrations", _migrations)
readiness_check_register("storage", _storage)


def readiness() -> tuple[bool, dict[str, dict[str, object]]]:
    """Every check's outcome and duration; ready when all passed."""
    results: dict[str, dict[str, object]] = {}
    for name, check in _checks.items():
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:  # any failure means "not ready", reported by name
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(r["ok"] for r in results.values()), results
