"""Interactive work under load, through signed requests to the real app (issue 12, items 8-12).

Slow drafts are real ones: ``/recommend … --llm openai`` against a fake LLM server that
holds every answer back until the test releases it, so "20 drafts in flight" is a state
the test waits for, not a guess about timing. Late Slack calls come from
:meth:`FakeSlack.hold`. Nothing here sleeps and then asserts: tests wait for the calls they
expect (or for the listener pools to drain) and fail when those never come.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bot.slack import blocks
from bot.slack.services import CheckResult, Outcome, ParsedText, Pipeline
from bot.store.approvals import NewDraft
from tests.bot._slack_helpers import APPROVERS, BotHarness, event_body, unique
from tests.fakes.fake_llm import FakeLLMServer, Reply

SLOW_DRAFTS = 20
THIRD = "UTHIRD"
ANSWER = {"friendly": "#{이름}님, 촉촉한 하루 보내세요", "professional": "#{이름} 고객님, 보습 루틴을 제안드립니다",
          "trendy": "#{이름}님 요즘 찐 수분템"}


class Counted:
    """The real services, counting what the listeners ask of them (and every parse the
    real pipeline makes, its own included)."""

    def __init__(self, real: Pipeline) -> None:
        self.real = real
        self.parses: list[str] = []
        self.profiles_given: list[ParsedText | None] = []
        self._lock = threading.Lock()
        read = real._read

        def counted_read(text: str) -> ParsedText:
            with self._lock:
                self.parses.append(text)
            return read(text)

        real._read = counted_read  # type: ignore[method-assign]

    def parse(self, text: str) -> ParsedText:
        return self.real.parse(text)

    def recommend_and_draft(self, text: str, **kw: Any) -> Outcome:
        with self._lock:
            self.profiles_given.append(kw.get("parsed"))
        return self.real.recommend_and_draft(text, **kw)

    def redraft(self, text: str, product_id: str, tone: str, **kw: Any) -> NewDraft:
        return self.real.redraft(text, product_id, tone, **kw)

    def check(self, text: str, channel: str | None, product_id: str) -> CheckResult:
        return self.real.check(text, channel, product_id)


@pytest.fixture(scope="module")
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(default=Reply(content=ANSWER)) as server:
        yield server


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory, llm: FakeLLMServer) -> Iterator[BotHarness]:
    harness = BotHarness(tmp_path_factory.mktemp("interactive"), settings_overrides={
                             "approver_user_ids": [*APPROVERS, THIRD],
                             "openai_api_key": "sk-test-secret-key",
                             "openai_base_url": llm.openai_base_url,
                             "llm_max_retries": 0, "llm_timeout_s": 60,
                             "rate_limit_per_minute": 100, "listener_threads": 8,
                         }).start()
    harness.deps.services = Counted(harness.deps.services)  # type: ignore[arg-type]
    yield harness
    llm.release()
    harness.stop()


@pytest.fixture(scope="module")
def counted(bot: BotHarness) -> Counted:
    return bot.deps.services  # type: ignore[return-value]


def message_of(bot: BotHarness, draft_id: str) -> tuple[str, str]:
    draft = bot.store.get_draft(draft_id)
    assert draft is not None
    request = bot.store.get_request(draft.request_id)
    assert request is not None and request.message_ts and request.message_channel
    return request.message_channel, request.message_ts


@contextmanager
def slow_drafts(bot: BotHarness, llm: FakeLLMServer,
                count: int = SLOW_DRAFTS) -> Iterator[list[str]]:
    """``count`` /recommend requests whose LLM calls hang until the block ends; inside it,
    every drafting thread is waiting on the model. Yields the requesters."""
    llm.hold()
    before = len(llm.requests)
    users = [unique("USLOW") for _ in range(count)]
    try:
        for user in users:
            response = bot.command("30s dry-skin woman, moisture --llm openai", user_id=user)
            assert response.status == 200
        llm.wait_for_requests(before + min(count, bot.settings.listener_threads), timeout=30)
        yield users
    finally:
        llm.release()
        bot.drain(timeout=120)


def test_a_modal_opens_while_twenty_slow_drafts_hold_every_drafting_thread(
        bot: BotHarness, llm: FakeLLMServer) -> None:
    _, _, ids = bot.recommend()
    with slow_drafts(bot, llm) as slow:
        for action in (blocks.ACTION_EDIT, blocks.ACTION_REJECT):
            trigger = unique("trigger.")
            bot.click(action, ids[0], user_id="UAPPROVER", trigger_id=trigger)
            (opened,) = bot.slack.wait_for("views.open", timeout=10,
                                           where=lambda c: c.args.get("trigger_id") == trigger)
            assert opened.args["view"]["private_metadata"] == ids[0]
        # Every slow draft is still waiting on the model: the modals did not wait for them.
        assert not any(r.message_ts for user in slow for r in bot.store.recent_requests(user))


def test_an_approve_is_applied_and_shown_while_drafts_are_slow(
        bot: BotHarness, llm: FakeLLMServer) -> None:
    _, _, ids = bot.recommend()
    channel, ts = message_of(bot, ids[1])
    with slow_drafts(bot, llm):
        bot.click(blocks.ACTION_APPROVE, ids[1], user_id="UBOSS")
        (update,) = bot.slack.wait_for("chat.update", timeout=10,
                                       where=lambda c: c.args.get("ts") == ts)
        assert "Approved by <@UBOSS>" in json.dumps(update.args["blocks"])
        draft = bot.store.get_draft(ids[1])
        assert draft is not None and draft.status == "approved"


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    """Wait for a state change signalled by the listener pools finishing work."""
    event = threading.Event()
    deadline = threading.Timer(timeout, event.set)
    deadline.start()
    try:
        while not predicate():
            assert not event.is_set(), "the expected state never came"
            event.wait(0.01)
    finally:
        deadline.cancel()


def test_concurrent_decisions_never_leave_a_stale_message(bot: BotHarness) -> None:
    """The first decision's chat.update is held at Slack while two more decisions land;
    released last, it must not be what the message ends up showing."""
    _, _, ids = bot.recommend()
    channel, ts = message_of(bot, ids[0])
    held = bot.slack.hold("chat.update")
    bot.click(blocks.ACTION_APPROVE, ids[0], user_id="UAPPROVER")
    assert held.arrived.wait(10)
    bot.click(blocks.ACTION_APPROVE, ids[1], user_id="UBOSS")
    bot.click(blocks.ACTION_APPROVE, ids[2], user_id=THIRD)
    wait_until(lambda: all(bot.store.get_draft(i).status == "approved" for i in ids))
    executor = bot.app.listener_runner.listener_executor
    assert executor.wait_idle(10, busy=1)  # only the held update is still running
    held.release()
    bot.drain()
    final = bot.slack.messages[(channel, ts)]
    shown = json.dumps(final["blocks"])
    assert not [b for b in final["blocks"] if b.get("type") == "actions"]  # no buttons left
    for user in ("UAPPROVER", "UBOSS", THIRD):
        assert f"Approved by <@{user}>" in shown
    last = bot.updates_of(ts, count=1)[-1]
    assert json.dumps(last.args["blocks"]) == shown


def publishes(bot: BotHarness, user: str) -> list[Any]:
    return [c for c in bot.slack.calls_to("views.publish") if c.args.get("user_id") == user]


def test_a_retried_app_home_event_publishes_once(bot: BotHarness) -> None:
    user = unique("UHOME")
    body = event_body({"type": "app_home_opened", "user": user, "tab": "home"})
    assert bot.send(body, content_type="application/json").status == 200
    retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    assert bot.send(body, content_type="application/json", headers=retry).status == 200
    bot.drain()
    assert len(publishes(bot, user)) == 1
    # Opening Home again is a new event and publishes again.
    bot.send(event_body({"type": "app_home_opened", "user": user, "tab": "home"}),
             content_type="application/json")
    bot.drain()
    assert len(publishes(bot, user)) == 2


def test_the_ack_makes_no_slack_call_and_the_command_is_parsed_once(
        bot: BotHarness, counted: Counted) -> None:
    """users.info is held at Slack: an ack that looked the locale up would wait on it."""
    user = unique("UNEW")
    bot.deps.wiring.parts()  # loaded, as after a process's first request: brands are known
    held = bot.slack.hold("users.info")
    parses, given = len(counted.parses), len(counted.profiles_given)
    response = bot.command("30s dry-skin woman, moisture", user_id=user)
    assert response.status == 200 and response.body.startswith(":hourglass_flowing_sand:")
    held.release()
    bot.posted_for(user)
    bot.drain()
    lookups = [c for c in bot.slack.calls_to("users.info") if c.args.get("user") == user]
    assert len(lookups) == 1  # by the lazy listener, then cached
    assert counted.parses[parses:] == ["30s dry-skin woman, moisture"]
    assert len(counted.profiles_given) == given + 1 and counted.profiles_given[-1] is not None
    # Known now: the next ack is in the user's language (en-US in the fake), no lookup.
    assert "Working on" in bot.command("30s oily man, pores", user_id=user).body
    bot.posted_for(user)
    bot.drain()
    assert len([c for c in bot.slack.calls_to("users.info") if c.args.get("user") == user]) == 1
