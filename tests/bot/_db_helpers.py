"""Small look-ups into a real SQLite file for the store and migration tests."""

from __future__ import annotations

import sqlite3


def table_names(conn: sqlite3.Connection) -> set[str]:
    """Every table in the database (SQLite's own ``sqlite_*`` tables aside)."""
    return {r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
