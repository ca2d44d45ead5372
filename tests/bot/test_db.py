from __future__ import annotations

from pathlib import Path

import pytest

from bot.store.db import connect, migrate
from tests.bot._db_helpers import table_names


def test_connect_enables_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = connect(tmp_path / "x.db")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_migrations_apply_once_and_in_order(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    steps = ["CREATE TABLE a (id INTEGER PRIMARY KEY);", "ALTER TABLE a ADD COLUMN name TEXT;"]
    assert migrate(connect(path), "demo", steps) == 2
    # Re-running is a no-op, and a new step is applied on top.
    db = connect(path)
    migrate(db, "demo", steps + ["CREATE TABLE b (id INTEGER PRIMARY KEY);"])
    assert table_names(db) >= {"a", "b", "schema_migrations"}
    versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [1, 2, 3]


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    db = connect(tmp_path / "x.db")
    with pytest.raises(Exception):
        migrate(db, "demo", ["CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE a (x);"])
    assert "a" not in table_names(db)
    assert db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == 0
