"""The Slack app end to end: signed HTTP requests in, fake Slack Web API calls out.

One app server per module (real recommender on the shipped model and demo catalog,
offline drafter, real compliance checks, SQLite file); each test uses its own requester
ids so tests stay independent.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Iterator

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack import blocks
from tests.bot._slack_helpers import (
    SECRET,
    TOKEN,
    BotHarness,
    block_action_body,
    draft_ids,
    event_body,
    post,
    signature_headers,
    slash_command_body,
    unique,
)
from tests.fakes.fake_llm import FakeLLMServer, Reply
from tests.fakes.fake_slack import FakeReply

GROUP = "SAPPROVERS"
GROUP_MEMBER = "UGROUPMEMBER"


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(default=Reply("server_error", status=503)) as server:
        yield server


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, llm: FakeLLMServer) -> Iterator[BotHarness]:
    harness = BotHarness(tmp_path_factory.mktemp("slack"), settings_overrides={
        "approver_usergroup_id": GROUP,
        "openai_api_key": "sk-test-secret-key",
        "openai_base_url": llm.openai_base_url,
        "llm_max_retries": 0,
        "llm_timeout_s": 5,
    }).start()
    harness.slack.usergroups[GROUP] = [GROUP_MEMBER]
    harness.slack.users["UKOREAN"] = {"name": "kim", "locale": "ko-KR"}
    yield harness
    harness.stop()


def valid_message(message_blocks: list[dict]) -> None:
    assert 0 < len(message_blocks) <= 50
    for block in message_blocks:
        Block.parse(block).to_dict()  # raises SlackObjectFormationError past any limit


def texts(call_blocks: list[dict]) -> str:
    return json.dumps(call_blocks, ensure_ascii=False)


def message_ts(bot: BotHarness, draft_id: str) -> str:
    draft = bot.store.get_draft(draft_id)
    assert draft is not None
    request = bot.store.get_request(draft.request_id)
    assert request is not None and request.message_ts
    return request.message_ts


def test_happy_path_posts_products_and_three_drafts(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    user = unique("UREQ")
    ack = bot.command("30s dry-skin woman, moisture --top 4", user_id=user)
    assert ack.status == 200
    # First contact: the ack is in the team default; the message follows the user's locale.
    assert ack.body.startswith(":hourglass_flowing_sand:")

    call = bot.posted_for(user)
    message_blocks = call.args["blocks"]
    valid_message(message_blocks)
    body = texts(message_blocks)
    products = [b for b in message_blocks if b["type"] == "section" and "₩" in b["text"]["text"]]
    assert len(products) == 4
    persona = bot.deps.services.parse("30s dry-skin woman, moisture").profile.persona
    assert f"Recommendations · {persona}" in body and "*Skin type*\\ndry" in body
    ids = draft_ids(call)
    assert len(ids) == 3
    actions = [b for b in message_blocks if b["type"] == "actions"]
    for block in actions:
        labels = [e["text"]["text"] for e in block["elements"]]
        assert labels == ["Approve", "Edit", "Reject", "Regenerate"]
        assert block["elements"][0]["style"] == "primary"
        assert all(re.fullmatch(r"d_[0-9a-f]{16}(:[0-9]+)?", e["value"]) for e in block["elements"])
    for tone in ("Friendly", "Professional", "Trendy"):
        assert f"*{tone}*" in body
    assert "offline" in body and "Compliance OK" in body

    request = bot.store.get_request(bot.store.get_draft(ids[0]).request_id)  # type: ignore[union-attr]
    assert request is not None and request.status == "posted"
    assert len(bot.store.recommendations_for(request.id)) == 4
    assert TOKEN not in caplog.text and SECRET not in caplog.text
    assert "sk-test-secret-key" not in caplog.text


def test_korean_locale_gets_korean_ui(bot: BotHarness) -> None:
    ack = bot.command("30대 건성 여성 보습", user_id="UKOREAN")
    assert "추천과 초안을 만드는 중" in ack.body
    assert "추천 결과" in texts(bot.posted_for("UKOREAN").args["blocks"])


def test_user_text_is_escaped_so_channel_is_never_pinged(bot: BotHarness) -> None:
    user = unique("UREQ")
    bot.command("30s dry woman moisture <!channel> <https://evil.test|click>", user_id=user)
    body = texts(bot.posted_for(user).args["blocks"])
    assert "<!channel>" not in body and "<https://evil.test" not in body
    assert "&lt;!channel&gt;" in body


@pytest.mark.parametrize(("text", "expected"), [
    ("hello world --top 2", ["could not understand", "--top=`2`", "Examples"]),
    ("30s dry woman --colour red", ["Unknown option `--colour`", "text=`30s dry woman`"]),
    ("30s dry woman --top 9", ["`--top` cannot be `9`", "1-5"]),
    ("30s dry woman " + "moisture " * 60, ["too long", "500"]),
    ("help", ["--llm offline|openai|gemini|ollama", "llm:gemini"]),
])
def test_bad_commands_get_an_ephemeral_explanation(bot: BotHarness, text: str,
                                                   expected: list[str]) -> None:
    user = unique("UBAD")
    bot.introduce(user)
    before = bot.store.db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
    response = bot.command(text, user_id=user)
    assert response.status == 200
    for part in expected:
        assert part in response.body
    assert bot.store.db.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == before


def test_approve_updates_the_message_and_records_the_decision(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    assert bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UAPPROVER").status == 200
    update = bot.updates_of(message_ts(bot, ids[0]))[0]
    valid_message(update.args["blocks"])
    assert "Approved by <@UAPPROVER>" in texts(update.args["blocks"])
    assert draft_ids(update) == ids[1:]  # the approved draft lost its buttons
    draft = bot.store.get_draft(ids[0])
    assert draft is not None and (draft.status, draft.decided_by) == ("approved", "UAPPROVER")
    actions = [e["action"] for e in bot.store.audit_entries(draft.request_id)]
    assert actions[0] == "recommend.requested" and "draft.approved" in actions


def test_usergroup_member_may_approve(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    bot.click(blocks.ACTION_APPROVE, ids[1], user_id=GROUP_MEMBER)
    bot.updates_of(message_ts(bot, ids[1]))
    assert bot.store.get_draft(ids[1]).decided_by == GROUP_MEMBER  # type: ignore[union-attr]


def test_unauthorised_approve_is_refused(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    outsider = unique("UOUT")
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id=outsider)
    (note,) = bot.ephemerals_for(outsider)
    assert "not an approver" in note.args["text"]
    assert bot.store.get_draft(ids[0]).status == "pending"  # type: ignore[union-attr]


def test_self_approval_is_refused(bot: BotHarness) -> None:
    _, _, ids = bot.recommend(user_id="UBOSS")  # an approver requesting
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UBOSS")
    notes = bot.ephemerals_for("UBOSS")
    assert "requested yourself" in notes[-1].args["text"]
    assert bot.store.get_draft(ids[0]).status == "pending"  # type: ignore[union-attr]


def test_reject_with_reason(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    trigger = unique("trigger.")
    bot.click(blocks.ACTION_REJECT, ids[2], user_id="UAPPROVER", trigger_id=trigger)
    (opened,) = bot.slack.wait_for("views.open", where=lambda c: c.args["trigger_id"] == trigger)
    View(**opened.args["view"]).to_dict()
    assert opened.args["view"]["private_metadata"] == ids[2]
    bot.submit(blocks.REJECT_CALLBACK, ids[2], user_id="UAPPROVER",
               values={blocks.REASON_BLOCK: "너무 과장됐어요 <!here>"})
    update = bot.updates_of(message_ts(bot, ids[2]))[0]
    body = texts(update.args["blocks"])
    assert "Rejected by <@UAPPROVER>" in body and "너무 과장됐어요 &lt;!here&gt;" in body
    (decision,) = [d for d in bot.store.decisions() if d["draft_id"] == ids[2]]
    assert (decision["decision"], decision["reason"]) == ("rejected", "너무 과장됐어요 <!here>")


def test_edit_stores_a_version_reruns_compliance_and_blocks_errors(bot: BotHarness) -> None:
    requester, _, ids = bot.recommend()
    original = bot.store.get_draft(ids[0])
    assert original is not None
    trigger = unique("trigger.")
    bot.click(blocks.ACTION_EDIT, ids[0], user_id=requester, trigger_id=trigger)
    (opened,) = bot.slack.wait_for("views.open", where=lambda c: c.args["trigger_id"] == trigger)
    View(**opened.args["view"]).to_dict()
    element = opened.args["view"]["blocks"][1]["element"]
    assert element["initial_value"] == original.text

    # An edit that drops the (광고) label is an error-level finding: approval is blocked.
    unlabelled = original.text.replace("(광고)", "").strip()
    bot.submit(blocks.EDIT_CALLBACK, ids[0], user_id=requester,
               values={blocks.TEXT_BLOCK: unlabelled})
    ts = message_ts(bot, ids[0])
    update = bot.updates_of(ts)[0]
    assert "v2 (edited)" in texts(update.args["blocks"])
    assert "violation" in texts(update.args["blocks"])
    edited = bot.store.get_draft(ids[0])
    assert edited is not None and (edited.version, edited.approvable) == (2, False)
    assert any(f["rule"] == "AD-LABEL" for f in edited.findings)
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UAPPROVER")
    assert "error-level compliance finding" in bot.ephemerals_for("UAPPROVER", count=1)[-1].args["text"]

    # Fixing it makes the draft approvable again.
    bot.submit(blocks.EDIT_CALLBACK, ids[0], user_id=requester,
               values={blocks.TEXT_BLOCK: original.text})
    bot.updates_of(ts, count=2)
    assert bot.store.get_draft(ids[0]).approvable  # type: ignore[union-attr]
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UBOSS")
    bot.updates_of(ts, count=3)
    assert bot.store.get_draft(ids[0]).status == "approved"  # type: ignore[union-attr]


def test_empty_edit_is_refused_in_the_modal(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    response = bot.submit(blocks.EDIT_CALLBACK, ids[0], user_id="UAPPROVER",
                          values={blocks.TEXT_BLOCK: "   "})
    assert response.json()["response_action"] == "errors"
    assert bot.store.get_draft(ids[0]).version == 1  # type: ignore[union-attr]


def test_regenerate_redrafts_one_tone(bot: BotHarness) -> None:
    requester, _, ids = bot.recommend()
    bot.click(blocks.ACTION_REGENERATE, ids[1], user_id=requester)
    update = bot.updates_of(message_ts(bot, ids[1]))[0]
    assert "v2 (regenerated)" in texts(update.args["blocks"])
    versions = bot.store.versions(ids[1])
    assert [v["source"] for v in versions] == ["drafted", "regenerated"]
    assert bot.store.get_draft(ids[0]).version == 1  # type: ignore[union-attr]


def test_concurrent_approvals_yield_one_decision_and_one_update(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    ts = message_ts(bot, ids[0])
    approvers = [unique("UAPP") for _ in range(20)]
    bot.deps.policy.user_ids.update(approvers)
    barrier = threading.Barrier(len(approvers))
    statuses: list[int] = []

    def click(user: str) -> None:
        barrier.wait()
        statuses.append(bot.click(blocks.ACTION_APPROVE, ids[0], user_id=user).status)

    threads = [threading.Thread(target=click, args=(u,)) for u in approvers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    losers = bot.slack.wait_for("chat.postEphemeral", count=19,
                                where=lambda c: c.args["user"] in approvers)
    assert all("Already approved by" in c.args["text"] for c in losers)
    assert len(bot.slack.calls_to("chat.update")) >= 1
    assert len([c for c in bot.slack.calls_to("chat.update") if c.args["ts"] == ts]) == 1
    count = bot.store.db.execute("SELECT COUNT(*) FROM decisions WHERE draft_id = ?",
                                 [ids[0]]).fetchone()[0]
    assert count == 1


def test_bad_signature_and_stale_timestamp_are_rejected(bot: BotHarness) -> None:
    before = bot.store.db.execute("SELECT COUNT(*) FROM requests").fetchone()[0]
    user = unique("UEVIL")
    body = slash_command_body("30s dry woman moisture", user_id=user)
    assert bot.send(body, secret="wrong-secret").status == 401
    assert bot.send(body, timestamp=int(time.time()) - 600).status == 401
    unsigned = post(bot.url + "/slack/events", body,
                    {"Content-Type": "application/x-www-form-urlencoded"})
    assert unsigned.status == 401
    bot.drain()  # anything a rejected request had started would be done by now
    assert bot.store.db.execute("SELECT COUNT(*) FROM requests").fetchone()[0] == before
    assert not [c for c in bot.slack.calls if user in json.dumps(c.args)]


def test_retried_delivery_creates_nothing_twice(bot: BotHarness) -> None:
    user, trigger = unique("UREQ"), unique("trigger.")
    first = bot.command("30s dry woman moisture", user_id=user, trigger_id=trigger)
    retry = bot.command("30s dry woman moisture", user_id=user, trigger_id=trigger,
                        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    assert first.status == retry.status == 200
    bot.posted_for(user)
    bot.drain()  # the retried delivery's lazy listener has run too
    posted = [c for c in bot.slack.calls_to("chat.postMessage") if f"<@{user}>" in texts(c.args["blocks"])]
    assert len(posted) == 1
    rows = bot.store.db.execute("SELECT COUNT(*) FROM requests WHERE user_id = ?", [user]).fetchone()
    assert rows[0] == 1


def test_llm_failure_falls_back_to_the_offline_drafter(bot: BotHarness, llm: FakeLLMServer) -> None:
    user = unique("UREQ")
    bot.command("30s dry woman moisture llm:openai", user_id=user)
    body = texts(bot.posted_for(user).args["blocks"])
    assert "fallback:" in body and "offline" in body
    assert llm.requests  # the OpenAI SDK really called the (failing) server


def test_slack_rate_limit_is_retried(bot: BotHarness) -> None:
    user = unique("UREQ")
    bot.slack.script("chat.postMessage", FakeReply.rate_limited(retry_after=0))
    bot.command("30s dry woman moisture", user_id=user)
    bot.posted_for(user)
    statuses = [c.status for c in bot.slack.calls_to("chat.postMessage")][-2:]
    assert statuses == [429, 200]


def test_unpostable_channel_is_explained_to_the_user(bot: BotHarness) -> None:
    user = unique("UREQ")
    bot.slack.script("chat.postMessage", FakeReply.error("channel_not_found"))
    bot.command("30s dry woman moisture", user_id=user)
    (reply,) = bot.slack.wait_for("response_url",
                                  where=lambda c: "invite" in c.args.get("text", ""))
    assert reply.args["response_type"] == "ephemeral"
    request = bot.store.recent_requests(user)[0]
    assert request.status == "failed"
    assert "request.failed" in [e["action"] for e in bot.store.audit_entries(request.id)]


def test_per_user_rate_limit(bot: BotHarness) -> None:
    user = unique("UBUSY")
    bot.introduce(user)
    replies = [bot.command("30s dry woman moisture", user_id=user).body for _ in range(6)]
    assert all("Working on" in r for r in replies[:5])
    assert "Too many requests" in replies[5]


def test_app_home_shows_recent_requests_and_approvals(bot: BotHarness) -> None:
    user, _, ids = bot.recommend()
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UAPPROVER")
    bot.updates_of(message_ts(bot, ids[0]))
    bot.send(event_body({"type": "app_home_opened", "user": user, "tab": "home"}),
             content_type="application/json")
    (call,) = bot.slack.wait_for("views.publish", where=lambda c: c.args["user_id"] == user)
    view = call.args["view"]
    View(**view).to_dict()
    body = texts(view["blocks"])
    assert "30s dry-skin woman, moisture" in body and "<@UAPPROVER>" in body


def test_healthz(bot: BotHarness) -> None:
    import urllib.request

    with urllib.request.urlopen(bot.url + "/healthz") as resp:
        assert json.loads(resp.read()) == {"ok": True}


def test_approved_drafts_become_style_examples(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    bot.click(blocks.ACTION_APPROVE, ids[2], user_id="UAPPROVER")
    bot.updates_of(message_ts(bot, ids[2]))
    draft = bot.store.get_draft(ids[2])
    request = bot.store.get_request(draft.request_id)  # type: ignore[union-attr]
    assert request is not None and draft is not None
    assert draft.text in bot.store.style_examples(request.persona or "", request.brand_id or "")


def test_signature_helper_matches_slack_sdk() -> None:
    from slack_sdk.signature import SignatureVerifier

    headers = signature_headers("a=b", timestamp=int(time.time()))
    assert SignatureVerifier(SECRET).is_valid(
        "a=b", headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])




def test_clients_retry_slack_failures_but_ack_lookups_never_sleep(bot: BotHarness) -> None:
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )

    from bot.slack.app import make_client

    kinds = {type(h) for h in bot.app.client.retry_handlers}
    assert kinds == {ConnectionErrorRetryHandler, RateLimitErrorRetryHandler,
                     ServerErrorRetryHandler}
    assert bot.app.client.base_url == bot.slack.api_url
    assert make_client(bot.settings, quick=True).retry_handlers == []
    assert bot.deps.languages.lookup_client.retry_handlers == []

    user = unique("UREQ")
    bot.slack.script("users.info", FakeReply.rate_limited(retry_after=30))
    ack = bot.command("30s dry woman moisture", user_id=user)
    assert ack.status == 200
    bot.posted_for(user)


def test_failure_after_an_action_ack_is_told_and_audited(bot: BotHarness) -> None:
    _, _, ids = bot.recommend()
    bot.slack.script("chat.update", FakeReply.error("message_not_found"))
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UAPPROVER")
    note = bot.slack.wait_for("chat.postEphemeral",
                              where=lambda c: "message_not_found" in c.args.get("text", ""))[0]
    assert note.args["user"] == "UAPPROVER" and "That did not work" in note.args["text"]
    draft = bot.store.get_draft(ids[0])
    assert draft is not None and draft.status == "approved"  # the decision itself stands
    assert "approve.failed" in [e["action"] for e in bot.store.audit_entries(draft.request_id)]


def test_retried_button_and_modal_deliveries_apply_once(bot: BotHarness) -> None:
    requester, _, ids = bot.recommend()
    ts = message_ts(bot, ids[0])
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    for headers in ({}, retry):
        bot.send(block_action_body(blocks.ACTION_REGENERATE, ids[0], user_id=requester,
                                   action_ts="1700000000.000100"), headers=headers)
    view_id = unique("V")
    for _ in range(2):
        bot.submit(blocks.EDIT_CALLBACK, ids[1], user_id=requester, view_id=view_id,
                   values={blocks.TEXT_BLOCK: "(광고) 그린밸런스\n촉촉한 하루 되세요\n무료수신거부 080-000-0000"})
    bot.updates_of(ts, count=2)
    bot.drain()
    assert [v["source"] for v in bot.store.versions(ids[0])] == ["drafted", "regenerated"]
    assert [v["source"] for v in bot.store.versions(ids[1])] == ["drafted", "edited"]


def test_errors_speak_the_users_language(bot: BotHarness) -> None:
    bot.slack.users["UKOBAD"] = {"locale": "ko-KR"}
    reply = bot.command("안녕하세요 --top 9", user_id="UKOBAD").body
    assert "`--top` 값 `9`" in reply and "예시" in reply
