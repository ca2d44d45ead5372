"""Issue 12 cases 1 and 4 with real ``personabot serve`` processes: a deploy (SIGTERM, or
SIGINT) while a digest is being posted, and ``kill -9`` then restart.

Before: SIGTERM acted like ``kill -9`` (uvicorn re-raises the signal, so ``finally:`` never
ran), leaving the claim for 15 minutes and the lease for 90 s. Now the stopped process hands
the digest back and releases the lease; the next one finishes it at start. After ``kill -9``
the next process sees the holder's pid is gone and recovers without waiting out a TTL.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from collections import Counter
from pathlib import Path

import pytest

from bot.digests.scheduler import HANDED_BACK
from tests.bot._serve_helpers import Serve, SlowSlack, subscribe_due_now, wait_until
from tests.bot._slack_helpers import TOKEN

PERSONA = "Dry_Winter"


def run_row(db_path: Path) -> sqlite3.Row:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM digest_runs").fetchone()
    finally:
        conn.close()


def lease_rows(db_path: Path) -> int:
    conn = sqlite3.connect(db_path)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM scheduler_lease").fetchone()[0])
    finally:
        conn.close()


def delivered(slack: SlowSlack, db_path: Path) -> bool:
    row = run_row(db_path)
    return row is not None and row["state"] == "recorded"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_uvicorn_re_raises_either_signal_as_stop_requested(sig: int) -> None:
    """The mechanism ``serve`` relies on, in-process: uvicorn shuts down, restores our handler
    and re-raises the signal, which now leaves ``run()`` as an exception ``finally:`` sees."""
    from slack_bolt import App

    from bot.cli.serve import StopRequested, catch_stop_signals
    from bot.slack.server import http_server

    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    app = App(token="xoxb-x", signing_secret="s", token_verification_enabled=False)
    server = http_server(app, host="127.0.0.1", port=0)

    def send_when_listening() -> None:
        if wait_until(lambda: server.started, 60, step=0.01):
            os.kill(os.getpid(), sig)
        else:  # it never listened: stop it, so the test fails below instead of hanging
            server.should_exit = True

    catch_stop_signals()
    try:
        threading.Thread(target=send_when_listening, daemon=True).start()
        with pytest.raises(StopRequested) as stopped:
            server.run()
        assert stopped.value.signum == sig
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def test_a_deploy_mid_digest_hands_it_back_and_the_new_process_delivers_it(tmp_path: Path) -> None:
    sig = signal.SIGTERM  # what systemd, Docker and Kubernetes send
    db = tmp_path / "bot.db"
    with SlowSlack(token=TOKEN) as slack:
        subscribe_due_now(db, PERSONA, "CDEPLOY")
        old = Serve(tmp_path, slack, db)
        try:
            assert old.health() == 200
            assert slack.posting.wait(60), old.output()
            live_claim_expiry = run_row(db)["claim_expires_at"]
            code = old.stop(sig)                     # while the first digest post is in flight
        finally:
            old.kill()
        assert code == 0, old.output()
        assert "lease released" in old.output()
        assert lease_rows(db) == 0
        row = run_row(db)
        assert row["state"] == "claimed" and row["holder"] is None and row["reason"] == HANDED_BACK
        before = slack.digest_parts()
        assert len(before) >= 1

        new = Serve(tmp_path, slack, db)
        try:
            assert new.health() == 200
            assert wait_until(lambda: delivered(slack, db), 60), new.output()
        finally:
            new.stop(signal.SIGTERM)
            new.kill()
    parts = slack.digest_parts()
    assert max(Counter(parts).values()) == 1, parts   # nothing posted twice
    assert {p for _, p in parts} == set(range(len(parts)))  # nothing lost
    # Delivered before the stopped process's claim would have run out: handed back, not waited out.
    assert run_row(db)["updated_at"] < live_claim_expiry


def test_kill_9_mid_digest_then_restart_recovers_without_waiting_for_a_ttl(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    with SlowSlack(token=TOKEN) as slack:
        slack.post_delay = 0.3
        subscribe_due_now(db, PERSONA, "CKILL")
        old = Serve(tmp_path, slack, db)
        try:
            assert old.health() == 200
            assert wait_until(lambda: len(slack.digest_parts()) >= 1, 60), old.output()
        finally:
            old.kill()                               # SIGKILL: no clean-up at all
        assert lease_rows(db) == 1 and run_row(db)["state"] == "claimed"
        dead_claim_expiry = run_row(db)["claim_expires_at"]

        new = Serve(tmp_path, slack, db)
        try:
            assert new.health() == 200
            assert wait_until(lambda: delivered(slack, db), 60), new.output()
        finally:
            new.stop(signal.SIGTERM)
            new.kill()
    parts = slack.digest_parts()
    assert max(Counter(parts).values()) == 1, parts
    assert {p for _, p in parts} == set(range(len(parts)))
    # Recorded before the dead holder's claim ran out: the claim TTL (2 min) was not waited out.
    assert run_row(db)["updated_at"] < dead_claim_expiry
