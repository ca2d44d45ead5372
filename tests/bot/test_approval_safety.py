"""An approval lands on exactly the version the approver saw, and only if it is approvable.

Store level: the compare-and-set pins the version and approvability in one statement.
App level: signed clicks against the real app and a fake Slack, with an edit landing
between what the approver saw and the click.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import blocks
from bot.store.approvals import Store
from tests.bot._slack_helpers import BotHarness

ERROR = [{"rule": "AD-LABEL", "severity": "error", "span": "", "message_ko": "광고 표기 없음",
          "message_en": "missing ad label", "fix": "(광고)"}]


def _draft(store: Store) -> str:
    request, _ = store.create_request(kind="recommend", user_id="UREQ", channel_id="C",
                                      text="30대 건성", dedupe_key=f"k-{id(store)}")
    return store.add_draft(request.id, tone="friendly", text="(광고) 촉촉한 크림",
                           provider="offline", model="offline", fallback_reason=None,
                           findings=[], approvable=True)


def test_an_edit_between_read_and_decide_refuses_the_approval(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "bot.db")
    draft_id = _draft(store)
    seen = store.get_draft(draft_id)
    assert seen is not None and (seen.version, seen.approvable) == (1, True)
    store.add_version(draft_id, text="지금 사면 100% 효과", author="UED", source="edited",
                      findings=ERROR, approvable=False)

    result = store.decide(draft_id, decision="approved", user_id="UAPP", version=seen.version)

    assert not result.won and (result.status, result.version) == ("pending", 2)
    assert result.approvable is False
    assert store.get_draft(draft_id).status == "pending"  # type: ignore[union-attr]
    assert store.decisions() == []


def test_an_unapprovable_version_is_never_approved_even_when_pinned(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "bot.db")
    draft_id = _draft(store)
    store.add_version(draft_id, text="최고의 크림", author="UED", source="edited",
                      findings=ERROR, approvable=False)
    for version in (2, None):
        result = store.decide(draft_id, decision="approved", user_id="UAPP", version=version)
        assert not result.won and result.status == "pending"
    rejected = store.decide(draft_id, decision="rejected", user_id="UAPP", version=2)
    assert rejected.won and rejected.version == 2
    assert [(d["decision"], d["version"]) for d in store.decisions()] == [("rejected", 2)]


def test_the_pinned_current_approvable_version_is_approved(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "bot.db")
    draft_id = _draft(store)
    store.add_version(draft_id, text="(광고) 더 촉촉한 크림", author="UED", source="edited",
                      findings=[], approvable=True)
    assert not store.decide(draft_id, decision="approved", user_id="UAPP", version=1).won
    result = store.decide(draft_id, decision="approved", user_id="UAPP", version=2)
    assert result.won
    [decision] = store.decisions()
    assert (decision["version"], decision["text"]) == (2, "(광고) 더 촉촉한 크림")


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BotHarness]:
    harness = BotHarness(tmp_path_factory.mktemp("safety")).start()
    yield harness
    harness.stop()


def _approve_value(call: Any, draft_id: str) -> str:
    for block in call.args["blocks"]:
        if block.get("block_id") == f"draft:{draft_id}":
            [approve] = [e for e in block["elements"] if e["action_id"] == blocks.ACTION_APPROVE]
            return str(approve["value"])
    raise AssertionError(f"no buttons for {draft_id}")


def test_the_approve_button_carries_the_version_it_shows(bot: BotHarness) -> None:
    _, call, ids = bot.recommend()
    assert _approve_value(call, ids[0]) == f"{ids[0]}:1"


def test_clicking_an_out_of_date_message_approves_nothing(bot: BotHarness) -> None:
    _, call, ids = bot.recommend()
    stale = _approve_value(call, ids[0])
    bot.store.add_version(ids[0], text="무조건 100% 효과", author="UED", source="edited",
                          findings=ERROR, approvable=False)

    assert bot.click(blocks.ACTION_APPROVE, stale, user_id="UAPPROVER").status == 200

    (note,) = bot.ephemerals_for("UAPPROVER", timeout=10)
    assert "changed (now v2)" in note.args["text"]
    draft = bot.store.get_draft(ids[0])
    assert draft is not None and draft.status == "pending"
    refusals = [e for e in bot.store.audit_entries(draft.request_id)
                if e["action"] == "draft.approve_refused"]
    assert len(refusals) == 1 and '"stale_version"' in refusals[0]["detail_json"]


def test_an_edit_landing_mid_approval_is_not_approved(bot: BotHarness,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare-id click pins the version the flow loaded; the edit slips in just before the
    compare-and-set, which must then refuse."""
    user = "UBOSS"
    _, _, ids = bot.recommend()
    decide = bot.store.decide

    def edit_then_decide(draft_id: str, **kw: Any) -> Any:
        bot.store.add_version(draft_id, text="최고의 크림", author="UED", source="edited",
                              findings=ERROR, approvable=False)
        return decide(draft_id, **kw)

    monkeypatch.setattr(bot.store, "decide", edit_then_decide)
    bot.click(blocks.ACTION_APPROVE, ids[1], user_id=user)
    (note,) = bot.ephemerals_for(user, timeout=10)
    assert "changed (now v2)" in note.args["text"]
    assert bot.store.get_draft(ids[1]).status == "pending"  # type: ignore[union-attr]
