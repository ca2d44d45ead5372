"""Issue 12 case 6: read-only commands never take the write lock; every database fault is
one line naming the file and what to do; ``/healthz`` fails when the scheduler cannot run."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import urllib.error
import urllib.request
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store.db import DatabaseFileError, connect, db_errors, describe_db_error, migrate
from tests.bot._db_helpers import table_names
from bot.digests.store import DigestStore
from bot.store.approvals import COMPONENT, MIGRATIONS, Store
from tests.bot._digest_helpers import SEOUL_MONDAY_9, utc
from tests.bot._serve_helpers import Serve, subscribe_due_now
from tests.bot._slack_helpers import TOKEN
from tests.fakes.fake_slack import FakeSlack

runner = CliRunner()


def make_db(path: Path, runs: int = 0) -> None:
    store = DigestStore.open(path)
    Store.open(path)
    sub, _ = store.subscribe("all", "C1", SEOUL_MONDAY_9, "U1", utc(2026, 1, 1))
    for week in range(runs):
        run = store.record_missed(sub.id, utc(2026, 1, 5 + week % 20, week // 20), "x" * 400,
                                  utc(2026, 6, 1))
        assert run is not None
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.db.close()


def damage_table(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with garbage: the file still opens, the schema
    reads, but any query on that table finds a malformed page."""
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def test_opening_an_up_to_date_store_takes_no_write_lock(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    make_db(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")               # another process is writing
    try:
        store = DigestStore(connect(path, busy_timeout_s=0.1))   # would raise "locked" before
        assert [s.persona for s in store.subscriptions()] == ["all"]
        approvals = connect(path, busy_timeout_s=0.1)
        assert migrate(approvals, COMPONENT, MIGRATIONS) == len(MIGRATIONS)
    finally:
        blocker.execute("ROLLBACK")


def test_digest_status_answers_while_another_process_holds_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    make_db(path)
    monkeypatch.setenv("DB_PATH", str(path))
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None);"
         " c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(60)", str(path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"  # type: ignore[union-attr]
        result = runner.invoke(app, ["digest", "status"])   # was: 30 s wait, then "locked"
        assert result.exit_code == 0, result.output
        assert "Digest subscriptions" in result.output
    finally:
        holder.kill()
        holder.wait()


def test_damaged_pages_are_one_line_naming_the_file_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bot.db"
    make_db(path, runs=60)
    damage_table(path, "digest_runs")
    monkeypatch.setenv("DB_PATH", str(path))
    result = runner.invoke(app, ["digest", "status"])
    assert result.exit_code == 2
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    error = lines[-1]
    assert error.startswith("error:") and "Traceback" not in result.output
    assert str(path) in error and "damaged" in error and ".recover" in error
    assert all("error:" not in ln for ln in lines[:-1])


def test_a_file_that_is_not_sqlite_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 100)
    monkeypatch.setenv("DB_PATH", str(path))
    result = runner.invoke(app, ["digest", "status"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(path) in result.output and "DB_PATH" in result.output


@pytest.mark.parametrize(("message", "words"), [
    ("database is locked", ("locked", "fuser")),
    ("database disk image is malformed", ("damaged", ".recover")),
    ("file is not a database", ("not an SQLite database", "DB_PATH")),
    ("attempt to write a readonly database", ("writable",)),
])
def test_each_fault_says_what_to_do(message: str, words: tuple[str, ...]) -> None:
    line = describe_db_error("/srv/bot.db", sqlite3.OperationalError(message))
    assert "\n" not in line and "/srv/bot.db" in line
    assert all(w in line for w in words)
    with pytest.raises(DatabaseFileError, match="/srv/bot.db"):
        with db_errors("/srv/bot.db"):
            raise sqlite3.DatabaseError(message)


def test_a_due_migration_still_applies_and_rolls_back_on_error(tmp_path: Path) -> None:
    db = connect(tmp_path / "x.db")
    assert migrate(db, "demo", ["CREATE TABLE a (id INTEGER PRIMARY KEY);"]) == 1
    assert migrate(db, "demo", ["CREATE TABLE a (id INTEGER PRIMARY KEY);",
                                "CREATE TABLE b (id INTEGER PRIMARY KEY);"]) == 2
    assert {"a", "b"} <= table_names(db)


def test_serve_on_a_damaged_db_with_a_dead_lease_fails_its_health_check(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    make_db(path, runs=60)
    subscribe_due_now(path, "Dry_Winter", "CDAMAGED")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    holder = f"{socket.gethostname()}:{int(dead.stdout)}:gone"
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO scheduler_lease VALUES ('digests', ?, '2026-01-01T00:00:00+00:00',"
                 " '2999-01-01T00:00:00+00:00')", (holder,))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    damage_table(path, "digest_runs")
    with FakeSlack(token=TOKEN) as slack:
        serve = Serve(tmp_path, slack, path)
        try:
            assert serve.health() == 503, serve.output()
            try:
                urllib.request.urlopen(serve.url + "/healthz", timeout=5)
            except urllib.error.HTTPError as exc:
                body = json.loads(exc.read())
            assert body["ok"] is False and "malformed" in body["digests"]
        finally:
            if serve.proc.poll() is None:
                serve.stop(signal.SIGTERM)
            serve.kill()
