"""Approvals storage: requests, recommendations, drafts, versions, decisions, audit log.

Slack button values carry only the opaque ids minted here (``r_…`` for requests, ``d_…``
for drafts); every piece of state lives in SQLite (opened with :func:`bot.store.db.connect`,
schema applied with :func:`bot.store.db.migrate` under the component name ``approvals``).

Stable API (the digest scheduler uses it too)::

    store = Store.open(settings.db_path)
    req, created = store.create_request(kind="digest", user_id="U…", channel_id="C…",
                                        text="weekly digest: dry-30s", dedupe_key=run_key,
                                        title="Weekly digest · dry-30s", language="ko")
    if created:                                   # a retried run finds the same request
        [draft_id] = store.record_outcome(          # the one write path
            req.id, profile=profile.to_dict(), persona="dry-30s", product_id="P001",
            brand_id="B01", recommendations=[rec_dict, ...], drafts=[NewDraft.of(draft)])
        store.set_message(req.id, channel_id, ts)  # after chat.postMessage

    store.decide(draft_id, decision="approved", user_id="U…", version=1)  # compare-and-set
    store.style_examples(persona, brand_id)        # approved texts, newest first

Once a request has a stored message, Approve / Edit / Reject / Regenerate work on its
drafts whatever its ``kind``; after each action the message is re-rendered from the store
with :func:`bot.slack.blocks.request_message`, so a digest should post that same rendering.

``recommendations`` rows are dicts with the keys of ``recsys.recommender.Recommendation``
(``rank, product_id, name, name_en, brand, brand_id, category, sub_type, price, image_url,
score, explanation``); ``findings`` are dicts with the keys of ``crm.compliance.Finding``
(``rule, severity, span, message_ko, message_en, fix``).

Decisions are a compare-and-set on ``drafts.status`` (``UPDATE … WHERE status='pending'``),
so concurrent clicks from any number of threads or processes yield exactly one decision.
The same statement pins the version the decider saw (``AND current_version = ?``) and, for
an approval, that this version passed compliance, so an edit landing between reading a
draft and deciding it can never get the newer, unseen text approved.
``audit_log`` is append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ContextManager, TypedDict

from bot.errors import BotError
from bot.store.db import connect, fetch_dicts, immediate, migrate

if TYPE_CHECKING:
    from crm.drafting import Draft

COMPONENT = "approvals"

#: A JSON object as stored and read back: request options, a profile, a recommendation row
#: (keys of ``recsys.recommender.Recommendation``), an audit entry's detail. Its values are
#: whatever JSON holds, so readers check what they take out.
JSONObject = dict[str, object]


class FindingRow(TypedDict, total=False):
    """A compliance finding as stored: the keys of ``crm.compliance.Finding.to_dict()``."""

    rule: str
    severity: str
    span: list[int]
    message_ko: str
    message_en: str
    fix: str | None
    excerpt: str

MIGRATIONS: list[str] = [
    """
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        dedupe_key TEXT NOT NULL UNIQUE,
        user_id TEXT NOT NULL,
        team_id TEXT,
        channel_id TEXT NOT NULL,
        text TEXT NOT NULL,
        options_json TEXT NOT NULL DEFAULT '{}',
        language TEXT NOT NULL DEFAULT 'ko',
        title TEXT,
        status TEXT NOT NULL DEFAULT 'working',
        profile_json TEXT,
        persona TEXT,
        product_id TEXT,
        brand_id TEXT,
        message_channel TEXT,
        message_ts TEXT,
        error TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX requests_user ON requests (user_id, created_at);
    CREATE TABLE recommendations (
        request_id TEXT NOT NULL REFERENCES requests (id),
        rank INTEGER NOT NULL,
        product_id TEXT NOT NULL,
        data_json TEXT NOT NULL,
        PRIMARY KEY (request_id, rank)
    );
    CREATE TABLE drafts (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL REFERENCES requests (id),
        position INTEGER NOT NULL,
        tone TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'approved', 'rejected')),
        current_version INTEGER NOT NULL DEFAULT 1,
        decided_by TEXT,
        decided_at TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX drafts_request ON drafts (request_id, position);
    CREATE TABLE draft_versions (
        draft_id TEXT NOT NULL REFERENCES drafts (id),
        version INTEGER NOT NULL,
        text TEXT NOT NULL,
        provider TEXT,
        model TEXT,
        fallback_reason TEXT,
        findings_json TEXT NOT NULL DEFAULT '[]',
        approvable INTEGER NOT NULL,
        author TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (draft_id, version)
    );
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        draft_id TEXT NOT NULL UNIQUE REFERENCES drafts (id),
        decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        user_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        reason TEXT,
        created_at TEXT NOT NULL
    );
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        request_id TEXT,
        draft_id TEXT,
        detail_json TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_request ON audit_log (request_id);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    CREATE TABLE deliveries (
        key TEXT PRIMARY KEY,
        at TEXT NOT NULL
    );
    """,
]


class DraftClosedError(BotError, RuntimeError):
    """The draft already has a decision, so it cannot get a new version."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


@dataclass(frozen=True)
class RequestRecord:
    id: str
    kind: str
    user_id: str
    channel_id: str
    text: str
    options: JSONObject
    language: str
    title: str | None
    status: str
    profile: JSONObject | None
    persona: str | None
    product_id: str | None
    brand_id: str | None
    message_channel: str | None
    message_ts: str | None
    error: str | None
    created_at: str


@dataclass(frozen=True)
class DraftRecord:
    """A draft with its current version folded in."""

    id: str
    request_id: str
    position: int
    tone: str
    status: str
    version: int
    text: str
    provider: str | None
    model: str | None
    fallback_reason: str | None
    findings: list[FindingRow]
    approvable: bool
    source: str
    decided_by: str | None
    decided_at: str | None
    reason: str | None = None


@dataclass(frozen=True)
class DecisionResult:
    """Outcome of a compare-and-set decision: ``won`` is False for every later click.

    A refusal with ``status == 'pending'`` means the draft moved on (``version`` is now
    newer than the one pinned) or its current version is not ``approvable``.
    """

    won: bool
    status: str
    decided_by: str | None
    decided_at: str | None
    version: int | None = None
    approvable: bool | None = None


@dataclass(frozen=True)
class NewDraft:
    """A draft as drafted, before it is stored (:meth:`Store.record_outcome`)."""

    tone: str
    text: str
    provider: str | None
    model: str | None
    fallback_reason: str | None
    findings: Sequence[FindingRow]
    approvable: bool

    @classmethod
    def of(cls, draft: Draft) -> NewDraft:
        """From a ``crm.drafting.Draft``: how Slack, the CLI and the digests store a draft."""
        from crm.drafting import finding_dict

        return cls(tone=draft.tone, text=draft.text, provider=draft.provider,
                   model=draft.model, fallback_reason=draft.fallback_reason,
                   findings=[finding_dict(f) for f in draft.findings],  # type: ignore[misc]
                   approvable=bool(draft.approvable))


@dataclass
class Store:
    """Thread-safe facade over one SQLite connection (writes serialise in SQLite anyway)."""

    db: sqlite3.Connection
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @classmethod
    def open(cls, path: str | Path) -> Store:
        db = connect(path)
        migrate(db, COMPONENT, MIGRATIONS)
        return cls(db)

    def _tx(self) -> ContextManager[sqlite3.Connection]:
        return immediate(self.db, self._lock)

    # --- requests -------------------------------------------------------------------
    def create_request(
        self,
        *,
        kind: str,
        user_id: str,
        channel_id: str,
        text: str,
        dedupe_key: str,
        team_id: str | None = None,
        options: JSONObject | None = None,
        language: str = "ko",
        title: str | None = None,
    ) -> tuple[RequestRecord, bool]:
        """Insert a request once per ``dedupe_key``; a retry gets the existing one back."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id FROM requests WHERE dedupe_key = ?", (dedupe_key,)
            ).fetchone()
            if row:
                request_id, created = row[0], False
            else:
                request_id, created = _new_id("r"), True
                conn.execute(
                    "INSERT INTO requests (id, kind, dedupe_key, user_id, team_id, channel_id,"
                    " text, options_json, language, title, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (request_id, kind, dedupe_key, user_id, team_id, channel_id, text,
                     json.dumps(options or {}, ensure_ascii=False), language, title, now_iso()),
                )
                self._audit(conn, user_id, f"{kind}.requested", request_id, None,
                            {"text": text, "options": options or {}})
        record = self.get_request(request_id)
        assert record is not None
        return record, created

    def get_request(self, request_id: str) -> RequestRecord | None:
        rows = self._rows("SELECT * FROM requests WHERE id = ?", [request_id])
        return _request(rows[0]) if rows else None

    def set_result(
        self,
        request_id: str,
        *,
        profile: JSONObject,
        persona: str,
        product_id: str,
        brand_id: str,
        recommendations: list[JSONObject],
        options: JSONObject | None = None,
    ) -> None:
        """Store what a request produced; ``options`` adds keys to its options (e.g. ``catalog_note``)."""
        with self._tx() as conn:
            conn.execute(
                "UPDATE requests SET profile_json = ?, persona = ?, product_id = ?, brand_id = ?"
                " WHERE id = ?",
                (json.dumps(profile, ensure_ascii=False), persona, product_id, brand_id,
                 request_id),
            )
            if options:
                row = conn.execute("SELECT options_json FROM requests WHERE id = ?", (request_id,)).fetchone()
                merged = {**json.loads((row[0] if row else None) or "{}"), **options}
                conn.execute("UPDATE requests SET options_json = ? WHERE id = ?",
                             (json.dumps(merged, ensure_ascii=False), request_id))
            conn.execute("DELETE FROM recommendations WHERE request_id = ?", (request_id,))
            for rec in recommendations:
                conn.execute(
                    "INSERT INTO recommendations (request_id, rank, product_id, data_json)"
                    " VALUES (?, ?, ?, ?)",
                    (request_id, int(rec["rank"]), str(rec["product_id"]),
                     json.dumps(rec, ensure_ascii=False, default=str)),
                )

    def set_message(self, request_id: str, channel_id: str, ts: str) -> None:
        with self._lock:
            self.db.execute(
                "UPDATE requests SET status = 'posted', message_channel = ?, message_ts = ?"
                " WHERE id = ?",
                [channel_id, ts, request_id],
            )

    def mark_failed(self, request_id: str, error: str, *, actor: str = "bot") -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE requests SET status = 'failed', error = ? WHERE id = ?",
                (error, request_id),
            )
            self._audit(conn, actor, "request.failed", request_id, None, {"error": error})

    def recommendations_for(self, request_id: str) -> list[JSONObject]:
        return [
            json.loads(r["data_json"])
            for r in self._rows(
                "SELECT data_json FROM recommendations WHERE request_id = ? ORDER BY rank",
                [request_id],
            )
        ]

    def recent_requests(self, user_id: str, limit: int = 5) -> list[RequestRecord]:
        rows = self._rows(
            "SELECT * FROM requests WHERE user_id = ? ORDER BY created_at DESC, rowid DESC"
            " LIMIT ?",
            [user_id, limit],
        )
        return [_request(r) for r in rows]

    # --- drafts ---------------------------------------------------------------------
    def add_draft(
        self,
        request_id: str,
        *,
        tone: str,
        text: str,
        provider: str | None,
        model: str | None,
        fallback_reason: str | None,
        findings: list[FindingRow],
        approvable: bool,
    ) -> str:
        draft_id = _new_id("d")
        with self._tx() as conn:
            (position,) = conn.execute(
                "SELECT COUNT(*) FROM drafts WHERE request_id = ?", (request_id,)
            ).fetchone()
            conn.execute(
                "INSERT INTO drafts (id, request_id, position, tone, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (draft_id, request_id, position, tone, now_iso()),
            )
            self._insert_version(conn, draft_id, 1, text=text, provider=provider, model=model,
                                 fallback_reason=fallback_reason, findings=findings,
                                 approvable=approvable, author="bot", source="drafted")
        return draft_id

    def record_outcome(
        self,
        request_id: str,
        *,
        profile: JSONObject,
        persona: str,
        product_id: str,
        brand_id: str,
        recommendations: list[JSONObject],
        drafts: Iterable[NewDraft],
        options: JSONObject | None = None,
    ) -> list[str]:
        """The one write path for "a request, its recommendations and drafts", used by
        Slack's ``/recommend``, ``personabot recommend`` and the digests' draft cards: the
        result (:meth:`set_result`), then each draft (:meth:`add_draft`); the draft ids."""
        self.set_result(request_id, profile=profile, persona=persona, product_id=product_id,
                        brand_id=brand_id, recommendations=recommendations, options=options)
        return [self.add_draft(request_id, tone=d.tone, text=d.text, provider=d.provider,
                               model=d.model, fallback_reason=d.fallback_reason,
                               findings=list(d.findings), approvable=bool(d.approvable))
                for d in drafts]

    def add_version(
        self,
        draft_id: str,
        *,
        text: str,
        author: str,
        source: str,
        findings: list[FindingRow],
        approvable: bool,
        provider: str | None = None,
        model: str | None = None,
        fallback_reason: str | None = None,
    ) -> int:
        """Store a new version (``source`` is ``edited`` or ``regenerated``) of a pending draft."""
        with self._tx() as conn:
            row = conn.execute(
                "SELECT status, current_version, request_id FROM drafts WHERE id = ?",
                (draft_id,),
            ).fetchone()
            if row is None:
                raise KeyError(draft_id)
            status, current, request_id = row
            if status != "pending":
                raise DraftClosedError(f"draft {draft_id} is already {status}")
            if provider is None:
                provider, model, fallback_reason = conn.execute(
                    "SELECT provider, model, fallback_reason FROM draft_versions"
                    " WHERE draft_id = ? AND version = ?",
                    (draft_id, current),
                ).fetchone()
            version = current + 1
            self._insert_version(conn, draft_id, version, text=text, provider=provider,
                                 model=model, fallback_reason=fallback_reason,
                                 findings=findings, approvable=approvable, author=author,
                                 source=source)
            conn.execute("UPDATE drafts SET current_version = ? WHERE id = ?", (version, draft_id))
            self._audit(conn, author, f"draft.{source}", request_id, draft_id,
                        {"version": version, "approvable": approvable,
                         "findings": [f.get("rule") for f in findings]})
        return version

    def get_draft(self, draft_id: str) -> DraftRecord | None:
        rows = self._rows(_DRAFT_SQL + " WHERE d.id = ?", [draft_id])
        return _draft(rows[0]) if rows else None

    def drafts_for(self, request_id: str) -> list[DraftRecord]:
        rows = self._rows(_DRAFT_SQL + " WHERE d.request_id = ? ORDER BY d.position",
                             [request_id])
        return [_draft(r) for r in rows]

    def versions(self, draft_id: str) -> list[JSONObject]:
        return self._rows(
            "SELECT * FROM draft_versions WHERE draft_id = ? ORDER BY version", [draft_id]
        )

    # --- decisions ------------------------------------------------------------------
    def decide(
        self, draft_id: str, *, decision: str, user_id: str, reason: str | None = None,
        version: int | None = None,
    ) -> DecisionResult:
        """Compare-and-set the draft from ``pending`` to ``decision``; only one caller wins.

        ``version`` pins the version the decider saw: a newer one refuses the decision. An
        approval also needs the current version to be approvable; both are checked in the
        same ``UPDATE`` that decides, so nothing can slip in between.
        """
        if decision not in ("approved", "rejected"):
            raise ValueError(f"unknown decision {decision!r}")
        at = now_iso()
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE drafts SET status = ?, decided_by = ?, decided_at = ?"
                " WHERE id = ? AND status = 'pending'"
                " AND (? IS NULL OR current_version = ?)"
                " AND (? = 0 OR EXISTS (SELECT 1 FROM draft_versions v"
                "  WHERE v.draft_id = drafts.id AND v.version = drafts.current_version"
                "  AND v.approvable = 1))",
                (decision, user_id, at, draft_id, version, version,
                 int(decision == "approved")),
            )
            if cur.rowcount == 1:
                current, request_id, approvable = conn.execute(
                    "SELECT d.current_version, d.request_id, v.approvable FROM drafts d"
                    " JOIN draft_versions v ON v.draft_id = d.id"
                    " AND v.version = d.current_version WHERE d.id = ?", (draft_id,)
                ).fetchone()
                conn.execute(
                    "INSERT INTO decisions (draft_id, decision, user_id, version, reason,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (draft_id, decision, user_id, current, reason, at),
                )
                self._audit(conn, user_id, f"draft.{decision}", request_id, draft_id,
                            {"version": current, "reason": reason})
                return DecisionResult(True, decision, user_id, at, current, bool(approvable))
            row = conn.execute(
                "SELECT d.status, d.decided_by, d.decided_at, d.current_version, v.approvable"
                " FROM drafts d JOIN draft_versions v"
                " ON v.draft_id = d.id AND v.version = d.current_version WHERE d.id = ?",
                (draft_id,),
            ).fetchone()
        if row is None:
            raise KeyError(draft_id)
        return DecisionResult(False, row[0], row[1], row[2], row[3], bool(row[4]))

    def decisions(self, since: str | None = None) -> list[JSONObject]:
        """Decisions joined with their request and the decided text, oldest first."""
        sql = (
            "SELECT c.created_at AS decided_at, c.decision, c.user_id AS decided_by, c.reason,"
            " d.id AS draft_id, d.tone, c.version, v.text, r.id AS request_id, r.kind,"
            " r.user_id AS requested_by, r.persona, r.product_id, r.brand_id, r.channel_id"
            " FROM decisions c JOIN drafts d ON d.id = c.draft_id"
            " JOIN draft_versions v ON v.draft_id = c.draft_id AND v.version = c.version"
            " JOIN requests r ON r.id = d.request_id"
        )
        params: list[object] = []
        if since:
            sql += " WHERE c.created_at >= ?"
            params.append(since)
        return self._rows(sql + " ORDER BY c.created_at, c.id", params)

    def latest_approvals(self, limit: int = 5) -> list[JSONObject]:
        rows = self._rows(
            "SELECT c.created_at AS decided_at, c.user_id AS decided_by, d.tone, r.persona,"
            " r.product_id, v.text FROM decisions c JOIN drafts d ON d.id = c.draft_id"
            " JOIN draft_versions v ON v.draft_id = c.draft_id AND v.version = c.version"
            " JOIN requests r ON r.id = d.request_id WHERE c.decision = 'approved'"
            " ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
            [limit],
        )
        return list(rows)

    def style_examples(self, persona: str, brand_id: str, limit: int = 3) -> list[str]:
        """Approved texts for this persona and brand, newest first: the drafter's style source."""
        rows = self._rows(
            "SELECT v.text FROM decisions c JOIN drafts d ON d.id = c.draft_id"
            " JOIN draft_versions v ON v.draft_id = c.draft_id AND v.version = c.version"
            " JOIN requests r ON r.id = d.request_id"
            " WHERE c.decision = 'approved' AND r.persona = ? AND r.brand_id = ?"
            " ORDER BY c.created_at DESC, c.id DESC LIMIT ?",
            [persona, brand_id, limit],
        )
        return [r["text"] for r in rows]

    # --- audit and deliveries -------------------------------------------------------
    def audit(
        self,
        action: str,
        *,
        actor: str,
        request_id: str | None = None,
        draft_id: str | None = None,
        detail: JSONObject | None = None,
    ) -> None:
        with self._tx() as conn:
            self._audit(conn, actor, action, request_id, draft_id, detail or {})

    def audit_entries(self, request_id: str | None = None) -> list[JSONObject]:
        if request_id is None:
            return self._rows("SELECT * FROM audit_log ORDER BY id")
        return self._rows(
            "SELECT * FROM audit_log WHERE request_id = ? ORDER BY id", [request_id]
        )

    def claim(self, key: str) -> bool:
        """True the first time ``key`` is seen: makes retried deliveries idempotent."""
        with self._lock:
            cur = self.db.execute(
                "INSERT OR IGNORE INTO deliveries (key, at) VALUES (?, ?)", (key, now_iso())
            )
            return cur.rowcount == 1

    # --- internals ------------------------------------------------------------------
    def _rows(self, sql: str, params: Sequence[object] | None = None) -> list[JSONObject]:
        """Run a query under the lock (the connection is shared between threads)."""
        with self._lock:
            return fetch_dicts(self.db, sql, params or [])

    @staticmethod
    def _audit(conn: sqlite3.Connection, actor: str, action: str, request_id: str | None,
               draft_id: str | None, detail: JSONObject) -> None:
        conn.execute(
            "INSERT INTO audit_log (at, actor, action, request_id, draft_id, detail_json)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (now_iso(), actor, action, request_id, draft_id,
             json.dumps(detail, ensure_ascii=False, default=str)),
        )

    @staticmethod
    def _insert_version(conn: sqlite3.Connection, draft_id: str, version: int, *, text: str,
                        provider: str | None, model: str | None, fallback_reason: str | None,
                        findings: list[FindingRow], approvable: bool, author: str,
                        source: str) -> None:
        conn.execute(
            "INSERT INTO draft_versions (draft_id, version, text, provider, model,"
            " fallback_reason, findings_json, approvable, author, source, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (draft_id, version, text, provider, model, fallback_reason,
             json.dumps(findings, ensure_ascii=False, default=str), int(approvable), author,
             source, now_iso()),
        )


_DRAFT_SQL = (
    "SELECT d.id, d.request_id, d.position, d.tone, d.status, d.current_version AS version,"
    " v.text, v.provider, v.model, v.fallback_reason, v.findings_json, v.approvable, v.source,"
    " d.decided_by, d.decided_at, c.reason"
    " FROM drafts d JOIN draft_versions v ON v.draft_id = d.id AND v.version = d.current_version"
    " LEFT JOIN decisions c ON c.draft_id = d.id"
)


def _request(row: JSONObject) -> RequestRecord:
    return RequestRecord(
        id=row["id"], kind=row["kind"], user_id=row["user_id"], channel_id=row["channel_id"],
        text=row["text"], options=json.loads(row["options_json"] or "{}"),
        language=row["language"], title=row["title"], status=row["status"],
        profile=json.loads(row["profile_json"]) if row["profile_json"] else None,
        persona=row["persona"], product_id=row["product_id"], brand_id=row["brand_id"],
        message_channel=row["message_channel"], message_ts=row["message_ts"],
        error=row["error"], created_at=row["created_at"],
    )


def _draft(row: JSONObject) -> DraftRecord:
    return DraftRecord(
        id=row["id"], request_id=row["request_id"], position=row["position"], tone=row["tone"],
        status=row["status"], version=row["version"], text=row["text"],
        provider=row["provider"], model=row["model"], fallback_reason=row["fallback_reason"],
        findings=json.loads(row["findings_json"] or "[]"), approvable=bool(row["approvable"]),
        source=row["source"], decided_by=row["decided_by"], decided_at=row["decided_at"],
        reason=row["reason"],
    )
