from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bot.store.approvals import DraftClosedError, Store

REC = {"rank": 1, "product_id": "P1", "name": "수분 크림", "brand": "Aqua", "brand_id": "B1",
       "category": "cream", "price": 25000, "score": 0.91, "explanation": "보습"}


def _request(store: Store, key: str = "t1", user: str = "UREQ") -> str:
    req, created = store.create_request(kind="recommend", user_id=user, channel_id="C1",
                                        text="30대 건성 보습", dedupe_key=key)
    assert created
    store.set_result(req.id, profile={"persona": "dry-30s"}, persona="dry-30s",
                     product_id="P1", brand_id="B1", recommendations=[REC])
    return req.id


def _draft(store: Store, request_id: str, text: str = "(광고) 촉촉한 크림") -> str:
    return store.add_draft(request_id, tone="friendly", text=text, provider="offline",
                           model="offline", fallback_reason=None, findings=[], approvable=True)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "bot.db")


def test_dedupe_key_returns_the_same_request(store: Store) -> None:
    first, created = store.create_request(kind="recommend", user_id="U", channel_id="C",
                                          text="x", dedupe_key="trigger-1")
    again, created_again = store.create_request(kind="recommend", user_id="U", channel_id="C",
                                                text="x", dedupe_key="trigger-1")
    assert created and not created_again
    assert first.id == again.id
    assert store.db.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 1


def test_concurrent_decisions_have_one_winner(store: Store) -> None:
    draft_id = _draft(store, _request(store))
    results = []
    barrier = threading.Barrier(16)

    def click(i: int) -> None:
        barrier.wait()
        results.append(store.decide(draft_id, decision="approved", user_id=f"U{i}"))

    threads = [threading.Thread(target=click, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [r for r in results if r.won]
    assert len(winners) == 1
    assert all(r.decided_by == winners[0].decided_by for r in results)
    assert store.db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0] == 1


def test_versions_and_closed_drafts(store: Store) -> None:
    request_id = _request(store)
    draft_id = _draft(store, request_id)
    version = store.add_version(draft_id, text="edited", author="UED", source="edited",
                                findings=[{"rule": "x", "severity": "error"}], approvable=False)
    draft = store.get_draft(draft_id)
    assert version == 2 and draft is not None
    assert (draft.text, draft.approvable, draft.provider) == ("edited", False, "offline")
    store.decide(draft_id, decision="rejected", user_id="U2", reason="too pushy")
    assert store.get_draft(draft_id).reason == "too pushy"  # type: ignore[union-attr]
    with pytest.raises(DraftClosedError):
        store.add_version(draft_id, text="late", author="U", source="edited", findings=[],
                          approvable=True)


def test_approved_drafts_become_style_examples(store: Store) -> None:
    request_id = _request(store)
    approved, other = _draft(store, request_id, "approved text"), _draft(store, request_id)
    store.decide(approved, decision="approved", user_id="U2")
    store.decide(other, decision="rejected", user_id="U2")
    assert store.style_examples("dry-30s", "B1") == ["approved text"]
    assert store.style_examples("dry-30s", "B2") == []
    assert [d["decision"] for d in store.decisions()] == ["approved", "rejected"]


def test_audit_log_is_append_only(store: Store) -> None:
    _request(store)
    assert store.audit_entries()
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("DELETE FROM audit_log")
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute("UPDATE audit_log SET actor = 'x'")


def test_claim_is_true_once(store: Store) -> None:
    assert store.claim("action:1")
    assert not store.claim("action:1")


def test_concurrent_reads_and_writes_share_one_connection_safely(store: Store) -> None:
    request_id = _request(store)
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(30):
                draft_id = _draft(store, request_id, f"text {i}-{j}")
                store.get_draft(draft_id)
                store.style_examples("dry-30s", "B1")
                store.decide(draft_id, decision="approved", user_id=f"U{i}")
        except BaseException as exc:  # noqa: BLE001 - collected for the assert
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.drafts_for(request_id)) == 240
