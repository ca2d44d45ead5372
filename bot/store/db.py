"""Open the SQLite file the way every part of the bot needs it, and apply migrations.

WAL lets the scheduler and the Slack listeners read while one writes; the busy timeout
turns brief lock contention into a short wait instead of an error; foreign keys keep
drafts, decisions and audit rows consistent. Each component (approvals, digests) owns a
list of migrations, applied once each and recorded in ``schema_migrations``.

Plain :mod:`sqlite3`, no wrapper library: every write is hand-written SQL inside one
``BEGIN IMMEDIATE`` (:func:`immediate`), the schemas are SQL (CHECK constraints,
triggers) that sqlite-utils' table API cannot express, and reads go through
:func:`fetch_dicts`. sqlite-utils was here for one ``db.query``, whose savepoint per call
raced on the shared connection; its ``Migrations`` records in its own
``_sqlite_migrations`` table (every existing file records in ``schema_migrations``) and
takes no write lock before reading what is applied, so it would need a bridge and a lock
around it to do what :func:`migrate` does now.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bot.errors import BotError


class DatabaseFileError(BotError, RuntimeError):
    """``DB_PATH`` names something that cannot be opened as SQLite (message names the path)."""


def describe_db_error(path: str | Path, exc: BaseException) -> str:
    """One line for an SQLite fault: which file, what is wrong, and what to do about it.

    The three faults an operator meets are told apart by SQLite's own message: another
    process holding the write lock, damaged pages inside a valid file, and a file that is not
    SQLite at all. Anything else is named as it is, with the file.
    """
    text = str(exc).strip() or type(exc).__name__
    low = text.lower()
    if "locked" in low or "busy" in low:
        return (f"the database {path} is locked by another process ({text}); wait and retry, "
                f"or find the holder with `fuser {path}` (a stuck `sqlite3` shell or backup)")
    if "malformed" in low or "corrupt" in low:
        return (f"the database {path} is damaged ({text}); stop `personabot serve`, keep a copy, "
                f"then restore a backup or rebuild it with `sqlite3 {path} .recover | sqlite3 NEW.db`")
    if "not a database" in low or "encrypted" in low:
        return (f"{path} is not an SQLite database ({text}); point DB_PATH at the bot's SQLite "
                "file, or at a new path to start an empty one")
    if "readonly" in low or "read-only" in low or "unable to open" in low or "disk i/o" in low:
        return (f"cannot use the database {path} ({text}); check that its folder exists, is "
                "writable by this user and has free space")
    return f"database error in {path} ({text}); see `personabot digest status` or restore a backup"


@contextmanager
def db_errors(path: str | Path) -> Iterator[None]:
    """Turn any ``sqlite3.Error`` raised inside into :class:`DatabaseFileError` naming ``path``."""
    try:
        yield
    except DatabaseFileError:
        raise
    except sqlite3.Error as exc:
        raise DatabaseFileError(describe_db_error(path, exc)) from None


def connect(path: str | Path, *, busy_timeout_s: float = 30.0) -> sqlite3.Connection:
    """Open (creating when missing) the database with WAL, a busy timeout and FKs on.

    The connection is in autocommit mode (``isolation_level=None``): a statement outside
    :func:`immediate` commits on its own, and transactions are always explicit. It may be
    shared between threads (``check_same_thread=False``); the stores serialise on a lock.

    ``busy_timeout_s`` is how long a write waits for another process's write lock before
    "database is locked" (tests shorten it; reads never wait in WAL mode).

    Raises :class:`DatabaseFileError` when ``path`` is not a SQLite file or cannot be opened,
    so callers can tell the user which file to fix instead of showing sqlite's traceback.
    """
    conn: sqlite3.Connection | None = None
    try:
        conn = sqlite3.connect(str(path), timeout=busy_timeout_s, check_same_thread=False,
                               isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_s * 1000)}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if "not a database" in str(exc) or "malformed" in str(exc):
            raise DatabaseFileError(
                f"cannot open the database {path} (DB_PATH): {exc}; point DB_PATH at the bot's "
                "SQLite file, or at a new path to start an empty one"
            ) from None
        raise DatabaseFileError(describe_db_error(path, exc) + " (DB_PATH)") from None
    return conn


def fetch_dicts(conn: sqlite3.Connection, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of a query as dicts keyed by column name (the stores' read helper)."""
    cur = conn.execute(sql, params)
    names = [column[0] for column in cur.description or ()]
    return [dict(zip(names, row)) for row in cur.fetchall()]


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


def migrate(conn: sqlite3.Connection, component: str, migrations: Sequence[str]) -> int:
    """Apply the not-yet-applied ``migrations`` of ``component``; return the schema version.

    Each migration is a SQL script; version N is ``migrations[N-1]``. Migrations are
    append-only: never edit one that has shipped, add a new one.

    An up-to-date database is only *read* here: the write lock (``BEGIN IMMEDIATE``) is taken
    only when a migration is due, so read-only commands such as ``digest status`` work while
    another process holds a long write transaction.
    """
    if _schema_version(conn, component) >= len(migrations):
        return len(migrations)
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


def _schema_version(conn: sqlite3.Connection, component: str) -> int:
    """The applied version of ``component`` (0 when nothing is applied), read without a lock."""
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if exists is None:
        return 0
    row = conn.execute(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations WHERE component = ?", (component,)
    ).fetchone()
    return int(row[0])


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
