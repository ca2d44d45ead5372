"""The digest tables: subscriptions, one row per (subscription, period) run, and the lease.

These tables are the source of truth for scheduling. APScheduler only holds in-memory jobs
rebuilt from ``digest_subscriptions`` at start-up; ``digest_runs`` has a UNIQUE
(subscription_id, period) key so no period is ever posted twice, and its state machine

    claimed ──> posted ──> recorded
       │  ▲
       ▼  │ (retry due)
     failed ──> failed for good (``next_attempt_at`` NULL)

lets a restart or a second process tell "done", "in progress", "crashed mid-way" and
"failed, retry later" apart. A claim names its holder (``host:pid:token``, see
:mod:`bot.digests.holders`) and expires ``CLAIM_TTL`` after its last heartbeat; a holder known to be
dead loses it at once, and a stopping process hands it back (``holder`` NULL, expired now).
:meth:`Run.status` is the name ``digest status`` shows for each state. ``scheduler_lease`` holds one row naming the only process
allowed to run jobs, until ``expires_at``.

Every state change is a single conditional statement inside ``BEGIN IMMEDIATE``, so two
processes racing on the same file see one winner. Times are stored as UTC ISO strings
(``2026-11-30T00:00:00+00:00``), which sort as they compare.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, ContextManager

from bot.digests import holders
from bot.store.approvals import JSONObject
from bot.store.db import connect, fetch_dicts, immediate, migrate

HolderCheck = Callable[[str | None], bool]

MIGRATIONS = [
    """
    CREATE TABLE digest_subscriptions (
        id INTEGER PRIMARY KEY,
        persona TEXT NOT NULL,
        channel_id TEXT NOT NULL,
        weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
        hour INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
        minute INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
        timezone TEXT NOT NULL,
        created_by TEXT NOT NULL,
        team_id TEXT,
        created_at TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        ended_by TEXT,
        ended_at TEXT
    );
    CREATE INDEX digest_subscriptions_active ON digest_subscriptions (active, channel_id);
    CREATE TABLE digest_runs (
        id INTEGER PRIMARY KEY,
        subscription_id INTEGER NOT NULL REFERENCES digest_subscriptions (id),
        period TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('claimed', 'posted', 'recorded', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        holder TEXT,
        claimed_at TEXT,
        claim_expires_at TEXT,
        next_attempt_at TEXT,
        reason TEXT,
        payload TEXT,
        posted TEXT NOT NULL DEFAULT '{}',
        chart_file_id TEXT,
        notified_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (subscription_id, period)
    );
    CREATE INDEX digest_runs_state ON digest_runs (state, next_attempt_at);
    CREATE TABLE scheduler_lease (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        acquired_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    );
    """,
    # 2: the chart upload is marked before it starts, so a crash between the upload and the
    # recording looks for the uploaded file instead of uploading it again.
    """
    ALTER TABLE digest_runs ADD COLUMN chart_started_at TEXT;
    """,
]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_PERSONAS = "all"


def iso(moment: datetime) -> str:
    """The one UTC text form used in these tables (sorts chronologically)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass an aware datetime (UTC or a zone)")
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Schedule:
    """A weekly slot in a named timezone: ``mon 09:00 Asia/Seoul``."""

    weekday: int
    hour: int
    minute: int
    timezone: str

    def label(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.hour:02d}:{self.minute:02d} ({self.timezone})"


@dataclass(frozen=True)
class Subscription:
    id: int
    persona: str
    channel_id: str
    schedule: Schedule
    created_by: str
    team_id: str | None
    created_at: str
    active: bool

    @property
    def job_id(self) -> str:
        """The explicit APScheduler job id, stable across restarts."""
        return f"digest-{self.id}"


@dataclass(frozen=True)
class Run:
    id: int
    subscription_id: int
    period: str
    state: str
    attempts: int
    holder: str | None
    claim_expires_at: str | None
    next_attempt_at: str | None
    reason: str | None
    payload: JSONObject | None
    posted: dict[str, str]
    chart_file_id: str | None
    notified_at: str | None
    created_at: str
    updated_at: str
    chart_started_at: str | None = None

    def status(self, now: datetime) -> str:
        """What ``digest status`` calls this run: ``delivered``, ``posting``, ``recording``,
        ``stale`` (claim expired, recovered on the next pass), ``retry pending`` or ``failed``
        (final: nothing will retry it until an operator does)."""
        if self.state == "recorded":
            return "delivered"
        if self.state in ("claimed", "posted"):
            if self.claim_expires_at is None or self.claim_expires_at <= iso(now):
                return "stale"
            return "posting" if self.state == "claimed" else "recording"
        return "retry pending" if self.next_attempt_at else "failed"


@dataclass(frozen=True)
class Claim:
    """The outcome of :meth:`DigestStore.claim`: ``run`` is ours to work on when ``ok``."""

    ok: bool
    run: Run | None
    why: str


class DigestStore:
    """All reads and writes of the digest tables, safe to share between threads."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._lock = threading.RLock()
        migrate(db, "digests", MIGRATIONS)

    @classmethod
    def open(cls, path: str | Path) -> "DigestStore":
        return cls(connect(path))

    def _tx(self) -> ContextManager[sqlite3.Connection]:
        """One immediate (write-locking) transaction on the shared connection."""
        return immediate(self.db, self._lock)

    def _query(self, sql: str, params: tuple[object, ...] = ()) -> list[JSONObject]:
        with self._lock:
            return fetch_dicts(self.db, sql, params)

    # -- subscriptions -----------------------------------------------------------------

    def subscribe(
        self,
        persona: str,
        channel_id: str,
        schedule: Schedule,
        created_by: str,
        now: datetime,
        team_id: str | None = None,
    ) -> tuple[Subscription, bool]:
        """Add a subscription; an identical active one is returned instead (``created`` False)."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id FROM digest_subscriptions WHERE active = 1 AND persona = ? AND"
                " channel_id = ? AND weekday = ? AND hour = ? AND minute = ? AND timezone = ?",
                (persona, channel_id, schedule.weekday, schedule.hour, schedule.minute,
                 schedule.timezone),
            ).fetchone()
            if row is None:
                cur = conn.execute(
                    "INSERT INTO digest_subscriptions (persona, channel_id, weekday, hour, minute,"
                    " timezone, created_by, team_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (persona, channel_id, schedule.weekday, schedule.hour, schedule.minute,
                     schedule.timezone, created_by, team_id, iso(now)),
                )
                sub_id, created = int(cur.lastrowid), True
            else:
                sub_id, created = int(row[0]), False
        subscription = self.subscription(sub_id)
        assert subscription is not None
        return subscription, created

    def subscription(self, sub_id: int) -> Subscription | None:
        rows = self._query("SELECT * FROM digest_subscriptions WHERE id = ?", (sub_id,))
        return _subscription(rows[0]) if rows else None

    def subscriptions(self, channel_id: str | None = None) -> list[Subscription]:
        """Active subscriptions, oldest first (optionally only those posting to ``channel_id``)."""
        if channel_id is None:
            rows = self._query("SELECT * FROM digest_subscriptions WHERE active = 1 ORDER BY id")
        else:
            rows = self._query(
                "SELECT * FROM digest_subscriptions WHERE active = 1 AND channel_id = ?"
                " ORDER BY id",
                (channel_id,),
            )
        return [_subscription(r) for r in rows]

    def unsubscribe(self, sub_id: int, ended_by: str, now: datetime) -> bool:
        """End a subscription (kept for its run history); False when none is active."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE digest_subscriptions SET active = 0, ended_by = ?, ended_at = ?"
                " WHERE id = ? AND active = 1",
                (ended_by, iso(now), sub_id),
            )
            return cur.rowcount == 1

    # -- runs --------------------------------------------------------------------------

    def claim(
        self,
        sub_id: int,
        period: datetime,
        holder: str,
        now: datetime,
        ttl: timedelta,
        max_attempts: int,
        *,
        force: bool = False,
        is_dead: HolderCheck = holders.is_dead,
    ) -> Claim:
        """Take (subscription, period) for ``holder`` unless it is done, busy or not due.

        A new period starts in ``claimed``. An existing row is taken over when its claim
        expired (a crash mid-way), when it is ``posted`` but unrecorded, or when it
        ``failed`` and its retry is due. Each take-over counts an attempt.
        """
        key = iso(period)
        stamp, expires = iso(now), iso(now + ttl)
        with self._tx() as conn:
            row = conn.execute(
                "SELECT state, holder, claim_expires_at, next_attempt_at, attempts FROM digest_runs"
                " WHERE subscription_id = ? AND period = ?",
                (sub_id, key),
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO digest_runs (subscription_id, period, state, attempts, holder,"
                    " claimed_at, claim_expires_at, created_at, updated_at)"
                    " VALUES (?, ?, 'claimed', 1, ?, ?, ?, ?, ?)",
                    (sub_id, key, holder, stamp, expires, stamp, stamp),
                )
                why = "new"
            else:
                state, owner, claim_expires, next_attempt, attempts = row
                if state == "recorded":
                    return Claim(False, self._run_where(conn, sub_id, key), "already posted")
                busy = claim_expires is not None and claim_expires > stamp
                if state in ("claimed", "posted") and busy and not force and not is_dead(owner):
                    until = claim_expires
                    return Claim(False, self._run_where(conn, sub_id, key),
                                 f"in progress (held by {owner} until {until})")
                if force and state == "failed":
                    attempts = 0
                    conn.execute("UPDATE digest_runs SET attempts = 0 WHERE subscription_id = ?"
                                 " AND period = ?", (sub_id, key))
                elif state == "failed":
                    if next_attempt is None or attempts >= max_attempts:
                        return Claim(False, self._run_where(conn, sub_id, key), "failed for good")
                    if next_attempt > stamp:
                        return Claim(False, self._run_where(conn, sub_id, key), "retry not due")
                new_state = "posted" if state == "posted" else "claimed"
                conn.execute(
                    "UPDATE digest_runs SET state = ?, attempts = attempts + 1, holder = ?,"
                    " claimed_at = ?, claim_expires_at = ?, next_attempt_at = NULL, updated_at = ?"
                    " WHERE subscription_id = ? AND period = ?",
                    (new_state, holder, stamp, expires, stamp, sub_id, key),
                )
                why = {"claimed": "recovering", "posted": "recording", "failed": "retry"}[state]
            return Claim(True, self._run_where(conn, sub_id, key), why)

    def extend_claim(self, run_id: int, holder: str, now: datetime, ttl: timedelta) -> bool:
        """Heartbeat: push our claim's expiry to ``now + ttl``. False when the run is no longer
        ours (handed back, taken over by a recovering process, or finished)."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE digest_runs SET claim_expires_at = ? WHERE id = ? AND holder = ?"
                " AND state IN ('claimed', 'posted')",
                (iso(now + ttl), run_id, holder),
            )
            return cur.rowcount == 1

    def hand_back(self, run_id: int, holder: str, now: datetime, reason: str) -> bool:
        """Give an in-flight run back at shutdown: its claim expires now (the next process
        picks it up at once, checking its markers first) and the attempt is not counted."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE digest_runs SET holder = NULL, claim_expires_at = ?, reason = ?,"
                " attempts = MAX(attempts - 1, 0), updated_at = ?"
                " WHERE id = ? AND holder = ? AND state IN ('claimed', 'posted')",
                (iso(now), reason[:500], iso(now), run_id, holder),
            )
            return cur.rowcount == 1

    def record_failure(
        self, sub_id: int, period: datetime, reason: str, now: datetime, retry_at: datetime
    ) -> Run | None:
        """A scheduled run that failed before it could claim (e.g. ``database is locked``):
        one ``failed`` row with a retry time. None when the period already has a row."""
        stamp = iso(now)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO digest_runs (subscription_id, period, state, attempts,"
                " reason, next_attempt_at, created_at, updated_at)"
                " VALUES (?, ?, 'failed', 1, ?, ?, ?, ?)",
                (sub_id, iso(period), reason[:500], iso(retry_at), stamp, stamp),
            )
            return self._run_where(conn, sub_id, iso(period)) if cur.rowcount == 1 else None

    def mark_chart_started(self, run_id: int, now: datetime) -> None:
        self._update(run_id, now, chart_started_at=iso(now))

    def save_payload(self, run_id: int, payload: JSONObject, now: datetime,
                     holder: str | None = None) -> bool:
        """Keep what is about to be posted so a retry posts the same digest. With ``holder``,
        only while the run is still that holder's and has no payload yet (a frozen process
        waking up after a takeover must not replace what the new holder posted)."""
        if holder is None:
            self._update(run_id, now, payload=json.dumps(payload, ensure_ascii=False))
            return True
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE digest_runs SET payload = ?, updated_at = ? WHERE id = ? AND holder = ?"
                " AND payload IS NULL AND state = 'claimed'",
                (json.dumps(payload, ensure_ascii=False), iso(now), run_id, holder),
            )
            return cur.rowcount == 1

    def mark_part_posted(self, run_id: int, part: int, ts: str, now: datetime) -> None:
        with self._tx() as conn:
            row = conn.execute("SELECT posted FROM digest_runs WHERE id = ?", (run_id,)).fetchone()
            posted = json.loads(row[0] or "{}")
            posted[str(part)] = ts
            conn.execute(
                "UPDATE digest_runs SET posted = ?, updated_at = ? WHERE id = ?",
                (json.dumps(posted), iso(now), run_id),
            )

    def mark_posted(self, run_id: int, now: datetime) -> None:
        self._update(run_id, now, state="posted", reason=None)

    def mark_recorded(self, run_id: int, now: datetime, chart_file_id: str | None) -> None:
        self._update(
            run_id, now, state="recorded", chart_file_id=chart_file_id, claim_expires_at=None
        )

    def mark_failed(
        self, run_id: int, reason: str, now: datetime, retry_at: datetime | None
    ) -> None:
        """Record a failed attempt; ``retry_at`` None means it will not be retried."""
        self._update(
            run_id,
            now,
            state="failed",
            reason=reason[:500],
            next_attempt_at=iso(retry_at) if retry_at else None,
            claim_expires_at=None,
        )

    def mark_notified(self, run_id: int, now: datetime) -> None:
        self._update(run_id, now, notified_at=iso(now))

    def _update(self, run_id: int, now: datetime, **fields: object) -> None:
        fields["updated_at"] = iso(now)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._tx() as conn:
            conn.execute(
                f"UPDATE digest_runs SET {assignments} WHERE id = ?", (*fields.values(), run_id)
            )

    def run(self, run_id: int) -> Run | None:
        rows = self._query("SELECT * FROM digest_runs WHERE id = ?", (run_id,))
        return _run(rows[0]) if rows else None

    def run_for(self, sub_id: int, period: datetime) -> Run | None:
        rows = self._query(
            "SELECT * FROM digest_runs WHERE subscription_id = ? AND period = ?",
            (sub_id, iso(period)),
        )
        return _run(rows[0]) if rows else None

    def runs(self, sub_id: int | None = None, limit: int = 20) -> list[Run]:
        """Most recent runs first."""
        if sub_id is None:
            rows = self._query("SELECT * FROM digest_runs ORDER BY period DESC, id DESC LIMIT ?",
                               (limit,))
        else:
            rows = self._query(
                "SELECT * FROM digest_runs WHERE subscription_id = ?"
                " ORDER BY period DESC, id DESC LIMIT ?",
                (sub_id, limit),
            )
        return [_run(r) for r in rows]

    def record_missed(self, sub_id: int, period: datetime, reason: str, now: datetime) -> Run | None:
        """Record a period nobody ran in time (the bot was down past the grace); None if it
        already has a row. Kept ``failed`` without a retry until someone reopens it."""
        stamp = iso(now)
        with self._tx() as conn:
            cur = conn.execute(
                "INSERT OR IGNORE INTO digest_runs (subscription_id, period, state, attempts,"
                " reason, created_at, updated_at) VALUES (?, ?, 'failed', 0, ?, ?, ?)",
                (sub_id, iso(period), reason[:500], stamp, stamp),
            )
            return self._run_where(conn, sub_id, iso(period)) if cur.rowcount == 1 else None

    def reopen(self, sub_id: int, period: datetime, now: datetime) -> bool:
        """Let a failed period be tried again now with a fresh attempt budget (an operator's
        call, e.g. after unarchiving the channel); False when there is nothing to reopen."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE digest_runs SET attempts = 0, next_attempt_at = ?, updated_at = ?"
                " WHERE subscription_id = ? AND period = ? AND state = 'failed'",
                (iso(now), iso(now), sub_id, iso(period)),
            )
            return cur.rowcount == 1

    def unfinished(self, now: datetime, is_dead: HolderCheck = holders.is_dead) -> list[Run]:
        """Runs that need work now: retries due, expired claims or claims of a holder known to
        be dead, posted but unrecorded."""
        stamp = iso(now)
        rows = self._query(
            "SELECT * FROM digest_runs WHERE"
            " (state = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= ?)"
            " OR state IN ('claimed', 'posted')"
            " ORDER BY period, id",
            (stamp,),
        )
        runs = [_run(r) for r in rows]
        return [r for r in runs if r.state == "failed" or r.claim_expires_at is None
                or r.claim_expires_at <= stamp or is_dead(r.holder)]

    def previous_snapshot(self, sub_id: int, period: datetime) -> dict[str, list[dict[str, str]]] | None:
        """What the last digest before ``period`` showed (persona -> ranked products), if any."""
        rows = self._query(
            "SELECT payload FROM digest_runs WHERE subscription_id = ? AND period < ?"
            " AND state IN ('posted', 'recorded') AND payload IS NOT NULL"
            " ORDER BY period DESC LIMIT 1",
            (sub_id, iso(period)),
        )
        if not rows:
            return None
        return json.loads(rows[0]["payload"]).get("snapshot")

    @staticmethod
    def _run_where(conn: sqlite3.Connection, sub_id: int, key: str) -> Run:
        cur = conn.execute(
            "SELECT * FROM digest_runs WHERE subscription_id = ? AND period = ?", (sub_id, key)
        )
        cols = [c[0] for c in cur.description]
        return _run(dict(zip(cols, cur.fetchone())))

    # -- lease -------------------------------------------------------------------------

    def acquire_lease(self, holder: str, now: datetime, ttl: timedelta, name: str = "digests",
                      is_dead: HolderCheck = holders.is_dead) -> bool:
        """Take or renew the scheduler lease; False while another live holder has it (a
        holder known to be dead — see :mod:`bot.digests.holders` — loses it at once)."""
        stamp = iso(now)
        with self._tx() as conn:
            row = conn.execute(
                "SELECT holder, expires_at FROM scheduler_lease WHERE name = ?", (name,)
            ).fetchone()
            if row is not None and row[0] != holder and row[1] > stamp and not is_dead(row[0]):
                return False
            if row is not None and row[0] == holder:
                conn.execute(
                    "UPDATE scheduler_lease SET expires_at = ? WHERE name = ?",
                    (iso(now + ttl), name),
                )
            else:
                conn.execute(
                    "INSERT OR REPLACE INTO scheduler_lease (name, holder, acquired_at, expires_at)"
                    " VALUES (?, ?, ?, ?)",
                    (name, holder, stamp, iso(now + ttl)),
                )
            return True

    def release_lease(self, holder: str, name: str = "digests") -> None:
        with self._tx() as conn:
            conn.execute(
                "DELETE FROM scheduler_lease WHERE name = ? AND holder = ?", (name, holder)
            )

    def lease(self, name: str = "digests") -> tuple[str, str] | None:
        """(holder, expires_at) of the current lease row, if any."""
        rows = self._query("SELECT holder, expires_at FROM scheduler_lease WHERE name = ?", (name,))
        return (rows[0]["holder"], rows[0]["expires_at"]) if rows else None


def _subscription(row: JSONObject) -> Subscription:
    return Subscription(
        id=int(row["id"]),
        persona=row["persona"],
        channel_id=row["channel_id"],
        schedule=Schedule(int(row["weekday"]), int(row["hour"]), int(row["minute"]), row["timezone"]),
        created_by=row["created_by"],
        team_id=row["team_id"],
        created_at=row["created_at"],
        active=bool(row["active"]),
    )


def _run(row: JSONObject) -> Run:
    return Run(
        id=int(row["id"]),
        subscription_id=int(row["subscription_id"]),
        period=row["period"],
        state=row["state"],
        attempts=int(row["attempts"]),
        holder=row["holder"],
        claim_expires_at=row["claim_expires_at"],
        next_attempt_at=row["next_attempt_at"],
        reason=row["reason"],
        payload=json.loads(row["payload"]) if row["payload"] else None,
        posted=json.loads(row["posted"] or "{}"),
        chart_file_id=row["chart_file_id"],
        notified_at=row["notified_at"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        chart_started_at=row.get("chart_started_at"),
    )
