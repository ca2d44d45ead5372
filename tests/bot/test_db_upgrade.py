"""Files written by earlier code keep opening: the stores read them as they are, apply only
what is missing, and a file at the current version gets exactly the schema a new one gets.

``tests/fixtures/bot_db_6936eae.sql`` is a real file from the sqlite-utils era (its dump);
the code that wrote it and today's code share ``schema_migrations`` and the migration lists.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.digests.store import MIGRATIONS as DIGEST_MIGRATIONS
from bot.digests.store import DigestStore, Schedule
from bot.store.approvals import Store
from bot.store.db import connect, migrate
from tests.bot._db_helpers import table_names

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "bot_db_6936eae.sql"


def legacy_file(tmp_path: Path) -> Path:
    path = tmp_path / "personabot.db"
    conn = sqlite3.connect(path)
    conn.executescript(FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    return path


def applied(path: Path) -> list[tuple[str, int, str]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT component, version, applied_at FROM schema_migrations ORDER BY component, version"
        ).fetchall()
    finally:
        conn.close()


def schema(path: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return set(conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        ).fetchall())
    finally:
        conn.close()


def test_a_file_from_the_sqlite_utils_era_opens_with_everything_in_it(tmp_path: Path) -> None:
    path = legacy_file(tmp_path)
    before = applied(path)
    assert [(c, v) for c, v, _ in before] == [("approvals", 1), ("digests", 1), ("digests", 2)]

    store = Store.open(path)
    [request] = store.recent_requests("U1")
    assert (request.text, request.channel_id, request.options) == ("30대 건성 여성 보습", "C1", {"channel": "kakao"})
    drafts = store.drafts_for(request.id)
    assert [(d.tone, d.status, d.version) for d in drafts] == [
        ("friendly", "approved", 2), ("trendy", "pending", 1)]
    assert drafts[0].text == "(광고) 라온뷰티\n촉촉한 하루 보내세요"
    assert [f["rule"] for f in drafts[1].findings] == ["COS-MEDICAL"] and not drafts[1].approvable
    assert [v["version"] for v in store.versions(drafts[0].id)] == [1, 2]
    assert [a["action"] for a in store.audit_entries(request.id)] == [
        "recommend.requested", "draft.edited", "draft.approved"]
    assert store.style_examples("Dry_Winter", "raon") == [drafts[0].text]
    assert store.claim("delivery-1") is False  # the old delivery key still dedupes

    digests = DigestStore.open(path)
    [sub] = digests.subscriptions()
    assert (sub.persona, sub.channel_id, sub.schedule) == ("Dry_Winter", "C2", Schedule(0, 9, 0, "Asia/Seoul"))
    [run] = digests.runs(sub.id)
    assert (run.state, run.holder, run.chart_started_at) == ("claimed", "host:1:tok", None)

    assert applied(path) == before  # nothing re-applied, nothing re-stamped


def test_an_upgraded_file_has_the_schema_of_a_new_one(tmp_path: Path) -> None:
    old = legacy_file(tmp_path)
    Store.open(old)
    DigestStore.open(old)
    new = tmp_path / "new.db"
    Store.open(new)
    DigestStore.open(new)
    assert schema(old) == schema(new)


def test_the_old_file_still_takes_writes_and_keeps_its_audit_rules(tmp_path: Path) -> None:
    store = Store.open(legacy_file(tmp_path))
    request, created = store.create_request(kind="recommend", user_id="U1", channel_id="C1",
                                            text="20대 지성 모공", dedupe_key="k2")
    assert created and store.get_request(request.id) == request
    again, created = store.create_request(kind="recommend", user_id="U1", channel_id="C1",
                                          text="30대 건성 여성 보습", dedupe_key="k1")
    assert not created and again.text == "30대 건성 여성 보습"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.db.execute("DELETE FROM audit_log")


def test_a_file_from_before_a_migration_gets_only_the_missing_one(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    conn = connect(path)
    assert migrate(conn, "digests", DIGEST_MIGRATIONS[:1]) == 1
    conn.execute(
        "INSERT INTO digest_subscriptions (persona, channel_id, weekday, hour, minute, timezone,"
        " created_by, created_at, active) VALUES ('Dry_Winter', 'C3', 0, 9, 0, 'Asia/Seoul', 'U1', ?, 1)",
        (datetime(2026, 11, 1, tzinfo=timezone.utc).isoformat(),))
    assert "chart_started_at" not in {r[1] for r in conn.execute("PRAGMA table_info(digest_runs)")}
    conn.close()

    digests = DigestStore.open(path)
    assert [s.channel_id for s in digests.subscriptions()] == ["C3"]
    assert "chart_started_at" in {r[1] for r in digests.db.execute("PRAGMA table_info(digest_runs)")}
    assert [(c, v) for c, v, _ in applied(path)] == [("digests", v) for v in range(1, len(DIGEST_MIGRATIONS) + 1)]
    assert {"digest_subscriptions", "digest_runs", "scheduler_lease"} <= table_names(digests.db)
