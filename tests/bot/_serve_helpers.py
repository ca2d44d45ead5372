"""Real ``personabot serve`` processes against the fake Slack, for signal and fault tests
(and ``benchmarks/bench_digest.py``): start one, wait for ``/healthz``, stop it by signal.

A digest is made due *now* by subscribing to the slot that passed a minute ago (within the
misfire grace), so a process that starts runs it at once — the same path a deploy across
the slot takes — without waiting for a wall-clock minute.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.digests.store import DigestStore, Schedule, Subscription
from bot.digests.scheduler import MARKER_EVENT
from tests.bot._slack_helpers import SECRET, TOKEN
from tests.fakes.fake_slack import FakeSlack

REPO = Path(__file__).resolve().parents[2]


class SlowSlack(FakeSlack):
    """The fake Slack with digest posts that take ``post_delay`` seconds (a slow workspace),
    so a signal lands while a digest is being posted."""

    post_delay = 1.0

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.posting = threading.Event()  # set when the first digest post arrives

    def _m_chat_postMessage(self, args: dict[str, Any]) -> Any:  # noqa: N802
        if args.get("metadata"):
            self.posting.set()
            time.sleep(self.post_delay)
        return super()._m_chat_postMessage(args)

    def digest_parts(self) -> list[tuple[int, int]]:
        """(run_id, part) of every digest message posted, duplicates included."""
        with self._lock:
            messages = list(self.messages.values())
        found = []
        for message in messages:
            meta = message.get("metadata") or {}
            if meta.get("event_type") == MARKER_EVENT:
                payload = meta["event_payload"]
                found.append((int(payload["run_id"]), int(payload["part"])))
        return sorted(found)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def subscribe_due_now(db_path: Path, persona: str, channel: str, tz: str = "Asia/Seoul",
                      now: datetime | None = None) -> Subscription:
    """A subscription whose weekly slot passed a minute ago (so it is due at start-up)."""
    now = now or datetime.now(timezone.utc)
    slot = (now - timedelta(minutes=1)).astimezone(ZoneInfo(tz))
    store = DigestStore.open(db_path)
    sub, _ = store.subscribe(persona, channel, Schedule(slot.weekday(), slot.hour, slot.minute, tz),
                             "UOWNER", now - timedelta(days=1))
    store.db.close()
    return sub


class Serve:
    """One ``personabot serve`` subprocess in HTTP mode."""

    def __init__(self, tmp_path: Path, slack: FakeSlack, db_path: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"serve-{self.port}.log"
        environ = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
                   "SLACK_API_URL": slack.api_url, "DB_PATH": str(db_path),
                   "PYTHONPATH": str(REPO), **env}
        self.log = self.log_path.open("w")
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=tmp_path, env=environ, stdout=self.log, stderr=subprocess.STDOUT, text=True)

    def health(self, timeout: float = 60) -> int:
        """Wait until ``/healthz`` answers; its HTTP status."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as resp:
                    return int(resp.status)
            except urllib.error.HTTPError as exc:
                return int(exc.code)
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(f"serve exited {self.proc.returncode}: {self.output()}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"serve did not answer /healthz: {self.output()}")
                time.sleep(0.2)

    def stop(self, sig: int, timeout: float = 60) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            self.log.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(30)
        self.log.close()

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")[-4000:]


def wait_until(predicate: Any, timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
