"""Open the SQLite file the way every part of the bot needs it, and apply migrations.

WAL lets the scheduler and the Slack listeners read while one writes; the busy timeout
turns brief lock contention into a short wait instead of an error; foreign keys keep
drafts, decisions and audit rows consistent. Each component (approvals, digests) owns a
list of migrations, applied once each and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils


class DatabaseFileError(RuntimeError):
    """``DB_PATH`` names something that cannot be opened as SQLite (message names the path)."""


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open (creating when missing) the database with WAL, a busy timeout and FKs on.

    Raises :class:`DatabaseFileError` when ``path`` is not a SQLite file or cannot be opened,
    so callers can tell the user which file to fix instead of showing sqlite's traceback.
    """
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=30, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        raise DatabaseFileError(
            f"cannot open the database {path} (DB_PATH): {exc}; point DB_PATH at the bot's SQLite "
            "file, or at a new path to start an empty one"
        ) from None
    return sqlite_utils.Database(conn)


@contextmanager
def immediate(conn: sqlite3.Connection, lock: threading.RLock | None = None) -> Iterator[sqlite3.Connection]:
    """One write-locking transaction (``BEGIN IMMEDIATE``): committed on success, rolled back
    on any error. ``lock`` serialises threads that share ``conn``."""
    with lock if lock is not None else nullcontext():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")


def migrate(db: sqlite_utils.Database, component: str, migrations: Sequence[str]) -> int:
    """Apply the not-yet-applied ``migrations`` of ``component``; return the schema version.

    Each migration is a SQL script; version N is ``migrations[N-1]``. Migrations are
    append-only: never edit one that has shipped, add a new one.
    """
    conn = db.conn
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " component TEXT NOT NULL, version INTEGER NOT NULL, applied_at TEXT NOT NULL,"
        " PRIMARY KEY (component, version))"
    )
    with immediate(conn):
        row = conn.execute(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?",
            (component,),
        ).fetchone()
        current = int(row[0])
        for version, script in enumerate(migrations, start=1):
            if version <= current:
                continue
            for statement in _split_sql(script):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (component, version, applied_at) VALUES (?, ?, ?)",
                (component, version, datetime.now(timezone.utc).isoformat()),
            )
    return len(migrations)


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit early)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
