"""Driving the real Bolt app over HTTP in tests: signing, payloads, an in-process server.

:class:`BotHarness` starts a :class:`~tests.fakes.fake_slack.FakeSlack`, builds the app with
``bot.slack.app.build_app`` against it, serves it with uvicorn on a free loopback port, and sends
Slack-shaped requests signed with the test signing secret — the same path Slack's own
requests take (Starlette adapter → signature check → ack → lazy listener → Web API).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bot.digests import listeners as digest_listeners
from bot.digests.scheduler import Digests, build_digests
from bot.slack.app import FEATURES, build_app, make_client
from bot.slack.server import bound_port, http_server, start_in_thread
from bot.slack.services import BotDeps, Services, build_deps
from bot.settings import Settings, load_settings
from bot.store.approvals import Store
from bot.wiring import Wiring, build_wiring
from tests.fakes.fake_slack import Call, FakeSlack

TOKEN = "xoxb-test-token-0123456789"
SECRET = "test-signing-secret-abcdef"
TEAM = "T0FAKE"
CHANNEL = "CMARKETING"
APPROVERS = ("UAPPROVER", "UBOSS")

_ids = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}{next(_ids):05d}"


def signature_headers(body: str, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """Slack's request signing: ``v0=`` + HMAC-SHA256(secret, ``v0:{ts}:{body}``)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def slash_command_body(text: str, *, user_id: str, channel_id: str = CHANNEL,
                       trigger_id: str | None = None, response_url: str = "",
                       command: str = "/recommend") -> str:
    return urlencode({
        "token": "legacy-unused", "team_id": TEAM, "team_domain": "fake",
        "channel_id": channel_id, "channel_name": "marketing", "user_id": user_id,
        "user_name": user_id.lower(), "command": command, "text": text,
        "api_app_id": "AFAKE", "response_url": response_url,
        "trigger_id": trigger_id or unique("trigger."),
    })


def block_action_body(action_id: str, value: str, *, user_id: str, channel_id: str = CHANNEL,
                      message_ts: str = "1.000001", action_ts: str | None = None,
                      trigger_id: str | None = None) -> str:
    payload = {
        "type": "block_actions", "api_app_id": "AFAKE", "team": {"id": TEAM},
        "user": {"id": user_id, "team_id": TEAM}, "channel": {"id": channel_id},
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel_id},
        "message": {"ts": message_ts}, "trigger_id": trigger_id or unique("trigger."),
        "response_url": "",
        "actions": [{"type": "button", "action_id": action_id, "block_id": f"draft:{value}",
                     "value": value, "action_ts": action_ts or f"{time.time():.6f}"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def view_submission_body(callback_id: str, private_metadata: str, *, user_id: str,
                         values: dict[str, str], view_id: str | None = None) -> str:
    state = {block: {"value": {"type": "plain_text_input", "value": text}}
             for block, text in values.items()}
    payload = {
        "type": "view_submission", "api_app_id": "AFAKE", "team": {"id": TEAM},
        "user": {"id": user_id, "team_id": TEAM}, "trigger_id": unique("trigger."),
        "view": {"id": view_id or unique("V"), "type": "modal", "callback_id": callback_id,
                 "private_metadata": private_metadata, "state": {"values": state},
                 "hash": unique("h")},
    }
    return urlencode({"payload": json.dumps(payload)})


def event_body(event: dict[str, Any]) -> str:
    return json.dumps({"type": "event_callback", "team_id": TEAM, "api_app_id": "AFAKE",
                       "event": event, "event_id": unique("Ev"), "event_time": int(time.time())})


@dataclass
class Response:
    status: int
    body: str

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def post(url: str, body: str, headers: dict[str, str], timeout: float = 30.0) -> Response:
    request = urllib.request.Request(url, data=body.encode(), method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(resp.status, resp.read().decode())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.read().decode())


def draft_ids(call: Call) -> list[str]:
    """The draft ids behind the action blocks of a posted or updated message."""
    return [b["block_id"].split(":", 1)[1] for b in call.args.get("blocks") or []
            if b.get("type") == "actions" and b.get("block_id", "").startswith("draft:")]


@dataclass
class BotHarness:
    """The app, a fake Slack and a loopback HTTP server: start once per test module."""

    tmp: Path
    services: Services | None = None
    settings_overrides: dict[str, Any] = field(default_factory=dict)
    slack: FakeSlack = field(init=False)
    settings: Settings = field(init=False)
    store: Store = field(init=False)
    wiring: Wiring = field(init=False)
    deps: BotDeps = field(init=False)
    digests: Digests = field(init=False)
    url: str = field(init=False)

    def start(self) -> BotHarness:
        self.slack = FakeSlack(token=TOKEN).start()
        overrides: dict[str, Any] = {
            "slack_bot_token": TOKEN, "slack_signing_secret": SECRET,
            "slack_api_url": self.slack.api_url, "db_path": self.tmp / "bot.db",
            "approver_user_ids": list(APPROVERS), "rate_limit_per_minute": 5,
            "listener_threads": 8,
        }
        overrides.update(self.settings_overrides)
        self.settings = load_settings(**overrides)
        self.store = Store.open(self.settings.db_path)
        # As `personabot serve` assembles it: one wiring, every feature over it.
        self.wiring = build_wiring(self.settings, self.store)
        self.deps = build_deps(self.wiring, self.services)
        self.digests = build_digests(self.wiring, make_client(self.settings))
        self.app = build_app(self.deps,
                             features=[*FEATURES, digest_listeners.feature(self.digests)])
        self.server = http_server(self.app, host="127.0.0.1", port=0)
        self.thread = start_in_thread(self.server)
        self.url = f"http://127.0.0.1:{bound_port(self.server)}"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.app.listener_runner.listener_executor.shutdown(wait=True)  # let lazy work finish
        self.slack.stop()

    # --- sending ----------------------------------------------------------------------
    def send(self, body: str, *, content_type: str = "application/x-www-form-urlencoded",
             headers: dict[str, str] | None = None, secret: str = SECRET,
             timestamp: int | None = None) -> Response:
        all_headers = {"Content-Type": content_type, **signature_headers(body, secret, timestamp)}
        all_headers.update(headers or {})
        return post(self.url + "/slack/events", body, all_headers)

    def command(self, text: str, *, user_id: str, trigger_id: str | None = None,
                headers: dict[str, str] | None = None) -> Response:
        body = slash_command_body(text, user_id=user_id, trigger_id=trigger_id,
                                  response_url=self.slack.response_url())
        return self.send(body, headers=headers)

    def click(self, action_id: str, draft_id: str, *, user_id: str, **kw: Any) -> Response:
        return self.send(block_action_body(action_id, draft_id, user_id=user_id, **kw))

    def submit(self, callback_id: str, draft_id: str, *, user_id: str, values: dict[str, str],
               view_id: str | None = None) -> Response:
        return self.send(view_submission_body(callback_id, draft_id, user_id=user_id,
                                              values=values, view_id=view_id))

    def drain(self, timeout: float = 30.0) -> None:
        """Wait until every ack and lazy listener submitted so far has finished."""
        executor = self.app.listener_runner.listener_executor
        assert executor.wait_idle(timeout), "listener work still running"

    def introduce(self, user_id: str) -> None:
        """Make ``user_id`` a user the bot has seen: a ``/recommend help`` whose lazy
        listener looks their locale up, so later acks are in their language."""
        assert self.command("help", user_id=user_id).status == 200
        self.drain()

    # --- observing --------------------------------------------------------------------
    def posted_for(self, user_id: str, timeout: float = 30.0) -> Call:
        """The channel message posted for ``user_id``'s request, once the store knows it."""
        call = self.slack.wait_for(
            "chat.postMessage", timeout=timeout,
            where=lambda c: f"<@{user_id}>" in json.dumps(c.args.get("blocks")))[0]
        deadline = time.monotonic() + timeout
        while not any(r.message_ts for r in self.store.recent_requests(user_id)):
            assert time.monotonic() < deadline, f"request of {user_id} never recorded its message"
            time.sleep(0.01)
        return call

    def ephemerals_for(self, user_id: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        return self.slack.wait_for("chat.postEphemeral", count=count, timeout=timeout,
                                   where=lambda c: c.args.get("user") == user_id)

    def updates_of(self, ts: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        return self.slack.wait_for("chat.update", count=count, timeout=timeout,
                                   where=lambda c: c.args.get("ts") == ts)

    def recommend(self, text: str = "30s dry-skin woman, moisture",
                  user_id: str | None = None) -> tuple[str, Call, list[str]]:
        """Run a /recommend to the posted message: ``(requester, message call, draft ids)``."""
        user_id = user_id or unique("UREQ")
        response = self.command(text, user_id=user_id)
        assert response.status == 200, response
        call = self.posted_for(user_id)
        return user_id, call, draft_ids(call)
